using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Network;

namespace Testbed.Benchmarks;

/// <summary>
/// A <see cref="SocketOutput"/> over the mock transport, built as specs/Mock/Support/MockSocketOutputHarness.cs
/// builds one: a <see cref="Simulation"/> (trace off, no write-buffer verification), one <see cref="LoopThread"/>
/// on its MockLibuv, one accepted TCP connection whose client lets writes complete after the mock's latency,
/// and the output on the accepted socket with no <see cref="Connection"/> around it (nothing reads, no frame runs).
/// A benchmark writes from the simulation's thread, as the app does in a simulated server, then runs the
/// simulation until <see cref="SocketOutput.UnflushedBytes"/> is 0: the socket has taken every byte.
/// </summary>
internal sealed class MockSocketOutput : IOutputEvents
{
    private readonly Func<bool> _flushed;
    private UvTcpHandle? _listener;
    private UvTcpHandle? _socket;

    public MockSocketOutput(long? budget = 64 * 1024)
    {
        Simulation = new Simulation(1, new SimulationOptions { Trace = false, VerifyWriteBuffers = false });
        Thread = new LoopThread(Simulation.Libuv, new QueueScheduler(Simulation), "bench-loop", NullLogger.Instance);
        Simulation.Run(() => Thread.StartAsync());
        Task<int>? listening = null;
        Simulation.Run(() => listening = Thread.InvokeAsync(Listen));
        Client = Simulation.Network.Connect(listening!.Result);
        Client.RecordWrites = false;
        Simulation.RunUntil(() => _socket is not null);
        Output = new SocketOutput(Thread, _socket!, Pool, budget, this, Simulation.Time);
        _flushed = () => Output.UnflushedBytes == 0;
    }

    public Simulation Simulation { get; }

    public LoopThread Thread { get; }

    public SlabMemoryPool Pool { get; } = new();

    /// <summary>The peer: it receives what the output writes (discarded after each operation).</summary>
    public SimConnection Client { get; }

    public SocketOutput Output { get; }

    /// <summary>Set if the mock failed a write: a benchmark must never time a failure path.</summary>
    public int? WriteFailed { get; private set; }

    /// <summary>Runs the simulation until the socket took everything written, then drops what the client received.</summary>
    public void RunUntilFlushed()
    {
        Simulation.RunUntil(_flushed);
        Client.DiscardReceived(Client.ReceivedSpan.Length);
    }

    /// <summary>Throws unless <paramref name="task"/> completed and the client received exactly <paramref name="expected"/>.</summary>
    public void Check(Task task, ReadOnlySpan<byte> expected, string what)
    {
        Simulation.RunUntil(_flushed);
        if (!task.IsCompletedSuccessfully || WriteFailed is not null || !Client.ReceivedSpan.SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"{what}: task {task.Status}, write status {WriteFailed}, client received {Client.ReceivedSpan.Length} bytes, expected {expected.Length}");
        }

        Client.DiscardReceived(Client.ReceivedSpan.Length);
    }

    /// <summary>Closes the socket and stops the loop.</summary>
    public void Stop()
    {
        Thread.Post(_ => _socket!.Close(), null);
        Thread.Stop();
        Simulation.RunUntil(() => Thread.Stopped.IsCompleted);
    }

    void IOutputEvents.OnWriteFailed(int status) => WriteFailed = status;

    void IOutputEvents.OnShutdownSend()
    {
    }

    void IOutputEvents.OnDisconnect()
    {
    }

    private int Listen()
    {
        _listener = new UvTcpHandle(Thread.Loop);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0), PortSharing.Exclusive);
        _listener.Listen(16, (_, status) =>
        {
            if (status != 0)
            {
                throw new InvalidOperationException($"accept failed: {status}");
            }

            var socket = new UvTcpHandle(Thread.Loop);
            _listener.Accept(socket);
            _listener.Close();
            _socket = socket;
        });
        return _listener.GetSockName().Port;
    }

    /// <summary>
    /// Scheduler work as plain events on the simulation's queue (the mock's own scheduler is internal to it). The
    /// write path uses the scheduler only to release a write that waited for the budget, which these benchmarks
    /// never make.
    /// </summary>
    private sealed class QueueScheduler(Simulation simulation) : IScheduler
    {
        public void Schedule(Action<object?> work, object? state) => simulation.Enqueue(0, EventKind.Work, work, state);
    }
}
