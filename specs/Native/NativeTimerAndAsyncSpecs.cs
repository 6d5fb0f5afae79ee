using Testbed.Engine.Networking;

namespace Testbed.Specs.Native;

public class NativeTimerAndAsyncSpecs
{
    [Fact]
    public void A_repeating_timer_fires_on_loop_time_until_stopped()
    {
        using var harness = new LoopHarness();
        var fires = 0;
        var stopped = LoopHarness.NewSignal<long>();

        var start = harness.Run(() =>
        {
            UvTimerHandle? timer = null;
            timer = harness.Track(new UvTimerHandle(harness.Loop, () =>
            {
                if (++fires == 3)
                {
                    timer!.Stop();
                    stopped.SetResult(harness.Loop.Now());
                }
            }));
            timer.Start(5, 5);
            return harness.Loop.Now();
        });

        var end = LoopHarness.Wait(stopped.Task);
        Assert.True(end - start >= 15, $"three fires at 5 ms + 2 x 5 ms took only {end - start} ms of loop time");

        // A stopped timer stays quiet: give it time to misfire, then look on the loop thread.
        Thread.Sleep(50);
        Assert.Equal(3, harness.Run(() => fires));
    }

    [Fact]
    public void AsyncSend_from_another_thread_runs_the_callback_on_the_loop_thread()
    {
        using var harness = new LoopHarness();
        var woken = LoopHarness.NewSignal<int>();
        var loopThread = harness.Run(() => Environment.CurrentManagedThreadId);
        var async = harness.Run(() =>
            harness.Track(new UvAsyncHandle(harness.Loop, () => woken.TrySetResult(Environment.CurrentManagedThreadId))));

        var sender = new Thread(async.Send);
        sender.Start();

        Assert.Equal(loopThread, LoopHarness.Wait(woken.Task));
        Assert.True(sender.Join(LoopHarness.Timeout));
        Assert.NotEqual(loopThread, sender.ManagedThreadId);
    }

    [Fact]
    public void AsyncSend_racing_with_close_is_a_no_op_once_the_handle_is_freed()
    {
        using var harness = new LoopHarness();
        var callbacks = 0;

        for (var round = 0; round < 20; round++)
        {
            var async = harness.Run(() => new UvAsyncHandle(harness.Loop, () => callbacks++));
            var closed = LoopHarness.NewSignal();
            var closedFlag = 0;
            var sendsAfterClose = new int[2];

            // Send through the transport directly: the wrapper's IsClosing check would hide most of the race.
            var senders = Enumerable.Range(0, sendsAfterClose.Length).Select(i => new Thread(() =>
            {
                while (sendsAfterClose[i] < 100)
                {
                    harness.Uv.AsyncSend(async);
                    if (Volatile.Read(ref closedFlag) == 1)
                    {
                        sendsAfterClose[i]++;
                    }
                }
            })).ToList();
            senders.ForEach(t => t.Start());

            harness.Run(() => async.Close(_ => closed.SetResult()));
            LoopHarness.Wait(closed.Task);

            // The memory is freed right after OnClosed returns; a posted action runs after that. Only then are
            // the senders told to count: each makes 100 sends on the freed handle.
            Assert.Equal(0, harness.Run(() => async.Native));
            Volatile.Write(ref closedFlag, 1);
            Assert.All(senders, t => Assert.True(t.Join(LoopHarness.Timeout)));
            Assert.True(async.IsClosed);
        }

        Assert.True(harness.Run(() => callbacks) > 0);
    }
}
