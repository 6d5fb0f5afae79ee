using Testbed.Transports.Native;

namespace Testbed.Specs.Native;

public class ThreadPoolSchedulerSpecs
{
    [Fact]
    public async Task Schedule_runs_the_work_with_its_state_on_a_thread_pool_thread()
    {
        var ran = LoopHarness.NewSignal<(object? State, bool PoolThread)>();
        var state = new object();

        ThreadPoolScheduler.Instance.Schedule(s => ran.SetResult((s, Thread.CurrentThread.IsThreadPoolThread)), state);

        // Awaited, not blocked on: a spec blocking a pool thread while waiting for pool work starves itself.
        var (seen, poolThread) = await ran.Task.WaitAsync(LoopHarness.Timeout);
        Assert.Same(state, seen);
        Assert.True(poolThread);
    }
}
