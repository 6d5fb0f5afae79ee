using Testbed.Engine.Connections;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Runs;

/// <summary>What the engine did with one connection, as its events told it.</summary>
public sealed class ServerConnection(long id, SimConnection wire)
{
    /// <summary>The engine's id (c1 ...).</summary>
    public long Id { get; } = id;

    /// <summary>The simulated TCP connection it serves.</summary>
    public SimConnection Wire { get; } = wire;

    /// <summary>Virtual µs of the engine's abort, or null.</summary>
    public long? AbortedAt { get; internal set; }

    /// <summary>Why the engine aborted it, once it did.</summary>
    public AbortReason? AbortReason { get; internal set; }

    /// <summary>The timeouts that fired on it, in order.</summary>
    public List<ConnectionTimeout> TimedOut { get; } = [];

    /// <summary>Virtual µs at which the connection last went idle waiting for a head (opened, or a kept-alive request ended).</summary>
    public long IdleSince { get; internal set; }

    public bool Closed { get; internal set; }

    /// <summary>It is ending gracefully: its FIN is requested or sent, or its close after the output.</summary>
    public bool Ending { get; internal set; }

    /// <summary>Requests the engine started on it and has not ended.</summary>
    public int RequestsInFlight { get; internal set; }

    public override string ToString() => $"c{Id} ({Wire.Name})";
}

/// <summary>
/// Matches the engine's connections (by id) with the simulated network's (by handle), and keeps what the engine
/// did with each: the facts several invariants explain a close or a cut response with. Registered before every
/// other observer, so it is up to date when they look.
/// </summary>
public sealed class ConnectionDirectory : RunObserver
{
    private readonly Dictionary<UvStreamHandle, SimConnection> _accepted = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, ServerConnection> _byId = [];
    private readonly Dictionary<SimConnection, ServerConnection> _byWire = new(ReferenceEqualityComparer.Instance);

    /// <summary>The engine's connection <paramref name="id"/>, if it was opened.</summary>
    public ServerConnection? Find(long id) => _byId.GetValueOrDefault(id);

    /// <summary>The engine's connection serving <paramref name="wire"/>, if the engine opened one for it.</summary>
    public ServerConnection? Find(SimConnection? wire) => wire is null ? null : _byWire.GetValueOrDefault(wire);

    public IEnumerable<ServerConnection> All => _byId.Values;

    /// <summary>Requests the engine started serving, over every connection.</summary>
    public int RequestsStarted { get; private set; }

    public override void RequestStarted(long connection, string method, string target)
    {
        RequestsStarted++;
        if (Find(connection) is { } served)
        {
            served.RequestsInFlight++;
        }
    }


    public override void Accepted(SimConnection connection) => _accepted[connection.ServerHandle!] = connection;

    public override void ConnectionOpened(long connection, UvStreamHandle socket)
    {
        if (!_accepted.TryGetValue(socket, out var wire))
        {
            return;
        }

        var served = new ServerConnection(connection, wire) { IdleSince = Run.Simulation.NowMicros };
        _byId.Add(connection, served);
        _byWire.Add(wire, served);
    }

    public override void RequestEnded(long connection, bool keepAlive)
    {
        if (Find(connection) is not { } served)
        {
            return;
        }

        served.RequestsInFlight--;
        if (keepAlive)
        {
            served.IdleSince = Run.Simulation.NowMicros;
        }
    }

    public override void TimedOut(long connection, ConnectionTimeout timeout) => Find(connection)?.TimedOut.Add(timeout);

    public override void EndTransition(long connection, string from, string to)
    {
        if (Find(connection) is not { } served)
        {
            return;
        }

        if (to == "Aborted")
        {
            served.AbortedAt ??= Run.Simulation.NowMicros;
        }
        else
        {
            served.Ending = true;
        }
    }

    public override void Aborting(long connection, AbortReason reason)
    {
        if (Find(connection) is { } served)
        {
            served.AbortReason ??= reason;
        }
    }

    /// <summary>Times a listener paused accepting, out of descriptors.</summary>
    public int AcceptPauses { get; private set; }

    /// <summary>Connections the engine closed unanswered at MaxConcurrentConnections.</summary>
    public int OverLimit { get; private set; }

    public override void AcceptPaused(int status) => AcceptPauses++;

    public override void ConnectionRefused() => OverLimit++;

    public override void ConnectionClosed(long connection)
    {
        if (Find(connection) is { } served)
        {
            served.Closed = true;
        }
    }
}
