using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>connection-limits</c>: the server holds no more connections than MaxConcurrentConnections, and refuses one
/// only at that limit; and a listener paused out of descriptors listens again once they free up. A client the
/// kernel refuses must meet a shortage no older than a heartbeat and the latest a timer fires: the listener
/// reopens at the first heartbeat after the shortage ends, so a refusal later than that means it never did.
/// </summary>
internal sealed class ConnectionLimits : InvariantChecker
{
    // The next heartbeat, the latest a late timer fires (1.5 s), and a little for the network.
    private const long ReopenMicros = 1_000_000 + 1_500_000 + 100_000;

    private readonly HashSet<long> _open = [];
    private long? _lastShortAt;

    public override string Name => "connection-limits";

    public override void ConnectionOpened(long connection, UvStreamHandle socket)
    {
        _open.Add(connection);
        if (Run.ServerOptions.Limits.MaxConcurrentConnections is { } limit && _open.Count > limit)
        {
            Fail($"c{connection}: {_open.Count} connections open at once, over MaxConcurrentConnections of {limit}");
        }
    }

    public override void ConnectionClosed(long connection) => _open.Remove(connection);

    public override void ConnectionRefused()
    {
        if (Run.ServerOptions.Limits.MaxConcurrentConnections is not { } limit || _open.Count < limit)
        {
            Fail($"a connection was closed unanswered with {_open.Count} open, under MaxConcurrentConnections of {Run.ServerOptions.Limits.MaxConcurrentConnections?.ToString() ?? "unlimited"}");
        }
    }

    public override void AcceptPaused(int status) => _lastShortAt = Run.Simulation.NowMicros;

    public override void Callback(UvHandle handle, string callback)
    {
        if (callback == "timer" && Run.Simulation.Network.OutOfSockets)
        {
            _lastShortAt = Run.Simulation.NowMicros;
        }
    }

    public override void ClientRefused(SimConnection connection)
    {
        var now = Run.Simulation.NowMicros;
        if (Run.StopBeganAt is null && (_lastShortAt is not { } shortAt || now - shortAt > ReopenMicros))
        {
            Fail($"{connection.Name}: refused at {now} µs, though the listener last ran short of descriptors {(_lastShortAt is { } at ? $"at {at} µs" : "never")}");
        }
    }
}
