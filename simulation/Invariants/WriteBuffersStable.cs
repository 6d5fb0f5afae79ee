using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>write-buffers-stable</c>: the memory of a uv_write is left alone until its callback. libuv may read it any
/// time before then, so a pool block reused too early sends another response's bytes. The mock compares every
/// write's buffers at completion with the copy it took at submission.
/// </summary>
internal sealed class WriteBuffersStable : InvariantChecker
{
    public override string Name => "write-buffers-stable";

    public override void Misuse(LibuvMisuse kind, string call, string detail)
    {
        if (kind == LibuvMisuse.BuffersChangedInFlight)
        {
            Fail(detail);
        }
    }
}
