using System.Net;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// The simulated network: which ports are bound, who listens on them, and connecting clients to listeners.
/// Ports never reach the trace; port 0 binds get deterministic ports from 10000 up.
/// </summary>
public sealed class MockNetwork
{
    private readonly Simulation _simulation;
    private readonly Dictionary<int, List<TcpState>> _bound = [];
    private readonly List<MockListener> _listening = [];
    private int _nextEphemeral = 10000;
    private int _lastClient;

    internal MockNetwork(Simulation simulation) => _simulation = simulation;

    /// <summary>Server sockets open: bound or listening handles and accepted connections, until each is closed.</summary>
    public int OpenSockets { get; private set; }

    /// <summary>Whether the server process is at <see cref="SimulationOptions.SocketLimit"/>.</summary>
    public bool OutOfSockets => OpenSockets >= _simulation.Options.SocketLimit;

    /// <summary>Every connection ever made, in order.</summary>
    public List<SimConnection> Connections { get; } = [];

    /// <summary>
    /// Connects a new client to <paramref name="port"/>; when several loops listen, the seed picks one (as the
    /// kernel spreads SO_REUSEPORT connections). Refused at once if nobody listens.
    /// </summary>
    public SimConnection Connect(int port, bool holdWrites = false) => Connect(port, holdWrites, listener: null);

    /// <summary>
    /// Connects a new client to the listener at <paramref name="listener"/> (0-based) of those listening on
    /// <paramref name="port"/>, in the order they began to listen (a server's loops, in start order), instead of
    /// the seed's pick; its connection, every send and its FIN arrive with no network latency
    /// (<see cref="SimConnection.FixedLatencyMicros"/> 0), so nothing is drawn from <c>net</c> or <c>net.kN</c>:
    /// a replay of a recording places each event at its recorded time. World faults still apply when configured.
    /// Refused at once if nobody listens; fails the run if there is no such listener.
    /// </summary>
    public SimConnection ConnectTo(int port, int listener, bool holdWrites = false) => Connect(port, holdWrites, listener);

    private SimConnection Connect(int port, bool holdWrites, int? listener)
    {
        _simulation.AssertOnSimulationThread("MockNetwork.Connect");
        var connection = new SimConnection(_simulation, "k" + (++_lastClient), port, 40000 + _lastClient, holdWrites);
        if (listener is not null)
        {
            connection.FixedLatencyMicros = 0;
        }

        Connections.Add(connection);
        _simulation.Notify(ObserverCall.ClientConnected, static (o, c) => o.ClientConnected(c), connection);
        var candidates = _listening.Where(l => l.Port == port && !l.Handle.Closing).ToList();
        if (candidates.Count == 0)
        {
            connection.Refuse();
            return connection;
        }

        if (listener is { } wanted && (wanted < 0 || wanted >= candidates.Count))
        {
            throw new SimulationException($"{connection.Name}: there is no listener {wanted} on the port ({candidates.Count} listen)");
        }

        var chosen = listener is { } index ? candidates[index] : _simulation.Stream(Simulation.NetworkStream).Pick("accept.listener", candidates);
        if (connection.FaultChoices.Chance("accept.error", _simulation.FaultChance(_simulation.Options.Faults.AcceptErrorChance)))
        {
            connection.PendingAcceptErrors = 1;
        }

        chosen.Backlog.Enqueue(connection);
        var latency = connection.FixedLatencyMicros ?? connection.NetworkChoices.Between("net.latency", _simulation.Options.NetworkLatency);
        _simulation.Trace.Add($"net.connect {connection.Name} -> {_simulation.Trace.Id(chosen.Handle.Handle, "h")}");
        _simulation.Enqueue(latency, EventKind.Io, _ => _simulation.Libuv.Incoming(chosen), null);
        return connection;
    }

    internal int Bind(TcpState tcp, IPEndPoint endPoint, PortSharing sharing)
    {
        if (OutOfSockets)
        {
            throw new UvException("uv_tcp_bind", UvErrors.EMFILE, "EMFILE", "too many open files");
        }

        var port = endPoint.Port == 0 ? NextFreePort() : endPoint.Port;
        _bound.TryGetValue(port, out var holders);
        var taken = holders is { Count: > 0 };
        if (taken && sharing != PortSharing.JoinGroup)
        {
            throw new UvException("uv_tcp_bind", UvStatus.EADDRINUSE, "EADDRINUSE", "address already in use");
        }

        if (holders is null)
        {
            _bound[port] = holders = [];
        }

        holders.Add(tcp);
        OpenSockets++;
        return port;
    }

    internal MockListener Listen(TcpState tcp, int port)
    {
        var listener = new MockListener(tcp, port);
        _listening.Add(listener);
        return listener;
    }

    /// <summary>An accepted connection takes a socket of the server process until it is closed.</summary>
    internal void Accepted() => OpenSockets++;

    /// <summary>A closed handle frees its socket; a closed listener frees its port, and clients still in its backlog are refused.</summary>
    internal void Unbind(TcpState tcp)
    {
        if (tcp.BoundPort is { } port && _bound.TryGetValue(port, out var holders) && holders.Remove(tcp))
        {
            OpenSockets--;
        }

        if (tcp.Socket is not null)
        {
            OpenSockets--;
        }

        if (tcp.Listener is { } listener)
        {
            _listening.Remove(listener);
            while (listener.Backlog.TryDequeue(out var waiting))
            {
                waiting.Refuse();
            }
        }
    }

    private int NextFreePort()
    {
        while (_bound.ContainsKey(_nextEphemeral))
        {
            _nextEphemeral++;
        }

        return _nextEphemeral++;
    }
}
