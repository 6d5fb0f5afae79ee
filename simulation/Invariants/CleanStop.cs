using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>clean-stop</c>: a graceful stop ends without an error, with every handle closed and every loop closed
/// (uv_loop_close succeeds: libuv refuses it with EBUSY while a handle is open).
/// </summary>
public sealed class CleanStop : InvariantChecker
{
    public override string Name => "clean-stop";

    public override void Misuse(LibuvMisuse kind, string call, string detail)
    {
        if (kind == LibuvMisuse.LoopCloseBusy)
        {
            Fail(detail);
        }
    }

    public override void RunEnded()
    {
        if (Run.Stop is not { IsCompleted: true } stop)
        {
            return; // The stop never ended: liveness says so.
        }

        if (stop.Exception is { } failure)
        {
            Fail($"the stop failed: {failure.InnerException?.GetType().Name}: {failure.InnerException?.Message}");
        }
        else if (Run.Simulation.Libuv.OpenHandles > 0)
        {
            Fail($"{Run.Simulation.Libuv.OpenHandles} handles still open after the stop");
        }
        else if (!Run.Simulation.Libuv.AllLoopsClosed)
        {
            Fail("a loop did not close after the stop");
        }
    }
}
