using System.Runtime.CompilerServices;
using Testbed.Engine.Networking;
using Testbed.Transports.Native;

namespace Testbed.Specs.Native;

/// <summary>
/// An exception escaping an engine callback must not unwind through libuv. Left unhandled it would end the
/// process (and the test host), so these specs use the <see cref="NativeLibuv"/> fault hook, which receives the
/// exception the loop thread rethrows after uv_run returns.
/// </summary>
public class NativeFaultSpecs
{
    [Fact]
    public void An_exception_from_a_callback_stops_the_loop_and_is_rethrown_on_the_loop_thread_without_teardown()
    {
        var fault = LoopHarness.NewSignal<(string Name, string? Thread, Exception Error)>();
        var uv = new NativeLibuv((name, e) => fault.SetResult((name, Thread.CurrentThread.Name, e)));
        var loop = new UvLoopHandle(uv);
        var teardownRan = false;
        var ticksAfterFault = 0;
        var faulted = false;

        uv.StartLoopThread(
            "spec-faulty",
            loop,
            setup: () =>
            {
                loop.Init();

                // A repeating timer keeps the loop alive: only the transport's uv_stop can end uv_run.
                new UvTimerHandle(loop, () => ticksAfterFault += faulted ? 1 : 0).Start(1, 1);
                new UvTimerHandle(loop, () =>
                {
                    faulted = true;
                    ThrowFromTimer();
                }).Start(5, 0);
            },
            teardown: () => teardownRan = true);

        var (name, thread, error) = LoopHarness.Wait(fault.Task);
        Assert.Equal("spec-faulty", name);
        Assert.Equal("spec-faulty", thread);
        Assert.Equal("boom from a timer", Assert.IsType<InvalidOperationException>(error).Message);
        Assert.Contains(nameof(ThrowFromTimer), error.StackTrace);
        Assert.False(teardownRan);
        Assert.Equal(0, ticksAfterFault);
    }

    [Fact]
    public void An_exception_from_setup_reaches_the_fault_hook()
    {
        var fault = LoopHarness.NewSignal<Exception>();
        var uv = new NativeLibuv((_, e) => fault.SetResult(e));
        var teardownRan = false;

        uv.StartLoopThread(
            "spec-bad-setup",
            new UvLoopHandle(uv),
            setup: () => throw new InvalidOperationException("no setup"),
            teardown: () => teardownRan = true);

        Assert.Equal("no setup", LoopHarness.Wait(fault.Task).Message);
        Assert.False(teardownRan);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromTimer() => throw new InvalidOperationException("boom from a timer");
}
