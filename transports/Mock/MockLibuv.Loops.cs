using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock;

/// <summary>Loops: every loop "thread" is the simulation thread; uv_run ends when stopped or when no handle is left.</summary>
public sealed partial class MockLibuv
{
    public void StartLoopThread(string name, UvLoopHandle loop, Action setup, Action teardown)
    {
        _simulation.AssertOnSimulationThread("StartLoopThread");
        var mock = new MockLoop(loop, name, teardown);
        _loops.Add(mock);
        loop.Native = _loops.Count;
        Trace.Add($"loop.start {Id(loop)} {name}");
        _simulation.Enqueue(0, EventKind.Io, _ => setup(), null);
    }

    public void LoopInit(UvLoopHandle loop)
    {
        var mock = LoopOf(loop);
        Simulation.Check(!mock.Initialised, "loop initialised twice");
        mock.Initialised = true;
        Trace.Add($"uv.loop_init {Id(loop)}");
    }

    public void LoopClose(UvLoopHandle loop)
    {
        var mock = LoopOf(loop);
        Trace.Add($"uv.loop_close {Id(loop)} handles={mock.Handles.Count}");
        _simulation.Notify(ObserverCall.LoopClosed, static (o, a) => o.LoopClosed(a.Loop, a.Left), (Loop: loop, Left: mock.Handles.Count));
        if (mock.Handles.Count > 0)
        {
            throw Refuse(LibuvMisuse.LoopCloseBusy, "uv_loop_close", $"uv_loop_close on {Id(loop)} with {mock.Handles.Count} handles open", UvStatus.EBUSY);
        }

        mock.Closed = true;
    }

    public void Stop(UvLoopHandle loop)
    {
        Trace.Add($"uv.stop {Id(loop)}");
        LoopOf(loop).StopRequested = true;
    }

    public long Now(UvLoopHandle loop)
    {
        LoopOf(loop);
        Trace.Add($"uv.now {Id(loop)}");
        return _simulation.NowMicros / 1000;
    }

    /// <summary>
    /// After every event: a loop that was stopped or has no handle left returns from uv_run, and its thread
    /// runs the teardown. The mock counts every open handle as keeping the loop alive (the engine never leaves
    /// an idle handle open), which is stricter than libuv's active-handle rule.
    /// </summary>
    internal void AfterEvent()
    {
        foreach (var loop in _loops)
        {
            if (loop.Running && loop.Initialised && (loop.StopRequested || loop.Handles.Count == 0))
            {
                loop.Running = false;
                Trace.Add($"loop.exit {Id(loop.Handle)}");
                loop.Teardown();
            }
        }
    }
}
