using Testbed.Engine.Connections;
using Testbed.Engine.Networking;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>response-rate</c>: MinResponseDataRate, judged from the world's side. At each heartbeat of a connection's
/// loop the checker reads what the simulated kernel holds back (the writes still in flight) and applies the rule
/// itself: once the socket has been stalled at every heartbeat for the grace period, the bytes the peer took over
/// the last grace period must keep up with the rate. A connection the rule condemns must be aborted as
/// ResponseTooSlow at that very heartbeat, and no other connection may be.
/// </summary>
internal sealed class ResponseRate : InvariantChecker
{
    private readonly Dictionary<SimConnection, long> _submitted = [];
    private readonly Dictionary<long, Queue<(long At, long Taken)>> _stalls = [];
    private readonly Dictionary<long, (UvLoopHandle Loop, long At)> _condemned = [];

    public override string Name => "response-rate";

    public override void WriteSubmitted(MockWrite write) =>
        _submitted[write.Connection] = _submitted.GetValueOrDefault(write.Connection) + write.Length;

    public override void Callback(UvHandle handle, string callback)
    {
        if (callback != "timer" || Run.ServerOptions.Limits.MinResponseDataRate is not { } rate)
        {
            return;
        }

        var now = Run.Simulation.NowMicros;
        foreach (var (id, condemned) in _condemned.Where(c => c.Value.Loop == handle.Loop).ToList())
        {
            Fail($"c{id}: took its response more slowly than {rate.BytesPerSecond} B/s at {condemned.At} µs, and was not aborted at that heartbeat");
            _condemned.Remove(id);
        }

        var window = (long)rate.GracePeriod.TotalMicroseconds;
        foreach (var served in Run.Connections.All.Where(c => !c.Closed && c.AbortedAt is null && c.Wire.ServerHandle?.Loop == handle.Loop))
        {
            var queued = served.Wire.WritesInFlight.Sum(w => (long)w.Length);
            var samples = _stalls.GetValueOrDefault(served.Id);
            if (queued == 0)
            {
                samples?.Clear();
                continue;
            }

            var taken = _submitted.GetValueOrDefault(served.Wire) - queued;
            samples ??= _stalls[served.Id] = new Queue<(long At, long Taken)>();
            samples.Enqueue((now, taken));
            while (samples.Count > 1 && samples.ElementAt(1).At <= now - window)
            {
                samples.Dequeue();
            }

            var (since, takenThen) = samples.Peek();
            if (since <= now - window && rate.Below(taken - takenThen, TimeSpan.FromMicroseconds(now - since)))
            {
                _condemned[served.Id] = (handle.Loop, now);
            }
        }
    }

    public override void Aborting(long connection, AbortReason reason)
    {
        if (reason == AbortReason.ResponseTooSlow && !_condemned.Remove(connection))
        {
            var rate = Run.ServerOptions.Limits.MinResponseDataRate;
            Fail($"c{connection}: aborted as too slow a reader, but it took its response at {rate?.BytesPerSecond.ToString() ?? "no minimum"} B/s or better over the grace period");
        }
    }

    public override void ConnectionClosed(long connection) => _stalls.Remove(connection);
}
