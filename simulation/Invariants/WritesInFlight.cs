using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>writes-in-flight</c>: at most three uv_writes are in flight on a stream at once (libuv-era Kestrel's bound);
/// the rest of the output waits, coalesced, for one of them to complete. The bound is the design's, written here
/// rather than read from the engine, so an engine that changes it is caught.
/// </summary>
internal sealed class WritesInFlight : InvariantChecker
{
    public const int Bound = 3;

    private readonly Dictionary<SimConnection, int> _inFlight = new(ReferenceEqualityComparer.Instance);

    public override string Name => "writes-in-flight";

    public override void WriteSubmitted(MockWrite write)
    {
        var count = _inFlight.GetValueOrDefault(write.Connection) + 1;
        _inFlight[write.Connection] = count;
        if (count > Bound)
        {
            Fail($"{write.Connection.Name}: {count} uv_writes in flight at once, more than {Bound}");
        }
    }

    public override void WriteCompleting(MockWrite write, int status) => _inFlight[write.Connection] = _inFlight.GetValueOrDefault(write.Connection) - 1;
}
