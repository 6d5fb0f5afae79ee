using System.Net;
using Microsoft.Extensions.Logging;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock.Support;

/// <summary>
/// A <see cref="SocketOutput"/> on the mock transport: one loop thread on a <see cref="Simulation"/>, one
/// accepted TCP connection whose client holds every uv_write until the spec completes it, and the real
/// <see cref="Connection"/> around the output, so a failed write aborts and an end shuts down or closes the
/// socket as in the server. The connection is never started: no frame runs, every write comes from the spec.
/// </summary>
/// <remarks>
/// Nothing runs between two steps of a spec: an app call returns before the loop sees it, and a held uv_write
/// completes only on <see cref="Complete"/>. So "not completed" is a fact, not a timeout.
/// </remarks>
internal sealed class MockSocketOutputHarness
{
    public const long DefaultBudget = 64 * 1024;
    public const long ConnectionId = 1;

    private readonly List<byte> _written = [];
    private UvTcpHandle? _listener;
    private Connection? _connection;

    /// <param name="budget">The connection's MaxResponseBufferSize (null: unlimited).</param>
    /// <param name="seed">The simulation's seed.</param>
    /// <param name="trace">Record the trace; sweeps over many seeds may skip it (a failing seed replays with it).</param>
    public MockSocketOutputHarness(long? budget = DefaultBudget, ulong seed = 1, bool trace = true)
    {
        Sim = new Simulation(seed, new SimulationOptions { Trace = trace });
        Log = new TraceLoggerProvider(Sim);
        var logger = Log.CreateLogger("spec");
        Thread = new LoopThread(Sim.Libuv, Sim.Scheduler, "spec-loop", logger);
        Sim.Run(() => Thread.StartAsync());
        var context = new ConnectionContext(
            _ => throw new InvalidOperationException("the connection is never started, so no request reaches the app"),
            new ServerLimits { MaxResponseBufferSize = budget },
            Sim.Time,
            Pool,
            logger,
            "Testbed",
            new TraceServerEvents(Sim));
        var port = OnLoop(() => Listen(context));
        Client = Sim.Network.Connect(port, holdWrites: true);
        Sim.RunUntil(() => _connection is not null);
        Settle();
    }

    public Simulation Sim { get; }

    public TraceLoggerProvider Log { get; }

    public SlabMemoryPool Pool { get; } = new();

    public LoopThread Thread { get; }

    /// <summary>The peer: what it received, and the server's uv_writes (held until <see cref="Complete"/>).</summary>
    public SimConnection Client { get; }

    public Connection Connection => _connection!;

    /// <summary>The connection's accepted socket.</summary>
    public UvTcpHandle Socket { get; private set; } = null!;

    public SocketOutput Output => Connection.Output;

    /// <summary>True once the connection's socket has closed (its close callback ran).</summary>
    public bool Closed { get; private set; }

    /// <summary>Everything the spec handed to <see cref="SocketOutput.WriteAsync"/>, in order.</summary>
    public byte[] Written => [.. _written];

    /// <summary>
    /// Runs app code inside the simulation, on its thread with no synchronization context, and returns as soon
    /// as it has: no loop callback or scheduled work runs before or after it.
    /// </summary>
    public T App<T>(Func<T> work)
    {
        var result = default(T);
        Sim.Run(() =>
        {
            result = work();
            return Task.CompletedTask;
        });
        return result!;
    }

    /// <summary>The app writes the next <paramref name="length"/> bytes of the pattern (see <see cref="Next"/>).</summary>
    public Task Write(int length, bool immediate = true) => App(() => Output.WriteAsync(Next(length), immediate));

    /// <summary>
    /// The next <paramref name="length"/> bytes of a position-dependent pattern, recorded in <see cref="Written"/>,
    /// so a lost, duplicated or reordered byte shows in what the client received.
    /// </summary>
    public byte[] Next(int length)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)((_written.Count + i) % 251);
        }

        _written.AddRange(data);
        return data;
    }

    /// <summary>The app side ends the connection's use (<see cref="Connection.End"/>), as the frame does after a response.</summary>
    public void End(ProduceEndType type) => App(() =>
    {
        Connection.End(type);
        return 0;
    });

    /// <summary>Runs loop callbacks and scheduled work until only timers are left (the heartbeat never fires).</summary>
    public void Settle() => Sim.RunUntilIdle();

    /// <summary>Completes the oldest uv_write in flight with <paramref name="status"/>, then settles.</summary>
    public MockWrite Complete(int status = 0)
    {
        Assert.NotEmpty(Client.WritesInFlight);
        var write = Client.WritesInFlight[0];
        write.Complete(status);
        Settle();
        return write;
    }

    /// <summary>Completes uv_writes, new ones included, until none is in flight.</summary>
    public void CompleteAll()
    {
        while (Client.WritesInFlight.Count > 0)
        {
            Complete();
        }
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread (a posted work item) and returns its result.</summary>
    public T OnLoop<T>(Func<T> work)
    {
        Task<T>? task = null;
        Sim.Run(() => task = Thread.InvokeAsync(work));
        return task!.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs until one more trace line carries <paramref name="evt"/>, and not an event further. Held writes make
    /// every step happen at the same virtual moment, so no time may pass (the heartbeat stays out of it).
    /// </summary>
    public void RunUntilTraced(string evt)
    {
        var seen = TraceCount(evt);
        Sim.RunUntil(() => TraceCount(evt) > seen, TimeSpan.Zero);
    }

    /// <summary>How many trace lines carry <paramref name="evt"/> (such as <c>uv.shutdown</c> or <c>srv.end c1</c>).</summary>
    public int TraceCount(string evt) =>
        Sim.Trace.ToString().Split('\n').Count(line => line.Contains(" " + evt + " ", StringComparison.Ordinal) || line.EndsWith(" " + evt, StringComparison.Ordinal));

    /// <summary>
    /// Closes the connection (after its queued output) and stops the loop, then checks what a clean end
    /// promises: every handle and the loop closed, every pool block back, nothing logged as a problem.
    /// </summary>
    public void Finish()
    {
        End(ProduceEndType.SocketDisconnect);
        Settle();
        CompleteAll();
        Thread.Stop();
        Settle();
        Assert.True(Closed);
        Assert.True(Thread.Stopped.IsCompletedSuccessfully);
        Assert.Equal(0, Sim.Libuv.OpenHandles);
        Assert.True(Sim.Libuv.AllLoopsClosed);
        Assert.Equal(0, Pool.RentedBlocks);
        Assert.Empty(Log.Problems);
    }

    private int Listen(ConnectionContext context)
    {
        _listener = new UvTcpHandle(Thread.Loop);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0), PortSharing.Exclusive);
        _listener.Listen(16, (_, status) => Accept(context, status));
        return _listener.GetSockName().Port;
    }

    /// <summary>Accepts the one client, wraps it in a connection and stops listening.</summary>
    private void Accept(ConnectionContext context, int status)
    {
        Assert.Equal(0, status);
        Socket = new UvTcpHandle(Thread.Loop);
        _listener!.Accept(Socket);
        _listener.Close();
        _connection = new Connection(ConnectionId, Thread, Socket, context, _ => Closed = true);
    }
}
