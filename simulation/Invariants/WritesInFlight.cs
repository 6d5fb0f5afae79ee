using Testbed.Engine.Connections;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>writes-in-flight</c>: at most <see cref="SocketOutput.MaxWritesInFlight"/> uv_writes are in flight on a
/// stream at once; the rest of the output waits, coalesced, for one of them to complete.
/// </summary>
public sealed class WritesInFlight : InvariantChecker
{
    private readonly Dictionary<SimConnection, int> _inFlight = new(ReferenceEqualityComparer.Instance);

    public override string Name => "writes-in-flight";

    public override void WriteSubmitted(MockWrite write)
    {
        var count = _inFlight.GetValueOrDefault(write.Connection) + 1;
        _inFlight[write.Connection] = count;
        if (count > SocketOutput.MaxWritesInFlight)
        {
            Fail($"{write.Connection.Name}: {count} uv_writes in flight at once, more than {SocketOutput.MaxWritesInFlight}");
        }
    }

    public override void WriteCompleting(MockWrite write, int status) => _inFlight[write.Connection] = _inFlight.GetValueOrDefault(write.Connection) - 1;
}
