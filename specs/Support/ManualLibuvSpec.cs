namespace Testbed.Specs.Support;

/// <summary>The fake itself: loop time passes only when the spec says, and posts run only on a loop turn.</summary>
public sealed class ManualLibuvSpec
{
    [Fact]
    public void The_heartbeat_fires_only_when_the_spec_fires_timers()
    {
        using var h = new SocketOutputHarness();
        var beats = 0;
        h.Thread.OnHeartbeat(() => beats++);

        h.Settle();
        Assert.Equal(0, beats);
        h.Uv.FireTimers();
        h.Uv.FireTimers();

        Assert.Equal(2, beats);
    }

    [Fact]
    public void Posts_run_in_order_on_the_next_loop_turn_however_many_sends_woke_it()
    {
        using var h = new SocketOutputHarness();
        var ran = new List<int>();

        h.Thread.Post(_ => ran.Add(1), null);
        h.Thread.Post(_ => ran.Add(2), null);
        Assert.Empty(ran);

        Assert.Equal(1, h.Uv.RunUntilIdle());
        Assert.Equal([1, 2], ran);
    }
}
