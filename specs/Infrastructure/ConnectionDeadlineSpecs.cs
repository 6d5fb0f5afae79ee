using Testbed.Engine.Connections;

namespace Testbed.Specs.Infrastructure;

/// <summary>
/// A connection's deadline is one value: the heartbeat (loop thread) expires only the deadline it looked at, so a
/// deadline the frame (scheduler) sets in between survives. The simulator runs both sides on one thread and can
/// never interleave them inside the heartbeat's check, so the interleaving is written out here step by step.
/// </summary>
public sealed class ConnectionDeadlineSpecs
{
    [Fact]
    public void A_deadline_set_between_the_heartbeats_look_and_its_expiry_survives()
    {
        var deadline = new ConnectionDeadline();
        deadline.Set(ConnectionTimeout.KeepAlive, 1_000);

        var seen = deadline.Look();                                   // heartbeat: the keep-alive deadline has passed
        deadline.Set(ConnectionTimeout.RequestHeaders, 31_000);       // frame: a head started arriving

        Assert.False(deadline.TryExpire(seen));                       // heartbeat: expires what it saw, or nothing
        Assert.Equal(ConnectionTimeout.RequestHeaders, deadline.Look().Kind);
        Assert.Equal(31_000, deadline.Look().Timestamp);
    }

    [Fact]
    public void The_deadline_looked_at_expires_once_and_leaves_none()
    {
        var deadline = new ConnectionDeadline();
        deadline.Set(ConnectionTimeout.Linger, 2_000_000);

        var seen = deadline.Look();

        Assert.Equal(ConnectionTimeout.Linger, seen.Kind);
        Assert.Equal(2_000_000, seen.Timestamp);
        Assert.True(deadline.TryExpire(seen));
        Assert.False(deadline.TryExpire(seen));
        Assert.Equal(ConnectionTimeout.None, deadline.Look().Kind);
        Assert.Equal(long.MaxValue, deadline.Look().Timestamp);
    }

    [Fact]
    public void Clearing_the_deadline_between_look_and_expiry_keeps_it_clear()
    {
        var deadline = new ConnectionDeadline();
        deadline.Set(ConnectionTimeout.RequestHeaders, 10);

        var seen = deadline.Look();
        deadline.Set(ConnectionTimeout.None, 0);                      // frame: the head was parsed

        Assert.False(deadline.TryExpire(seen));
        Assert.Equal(ConnectionTimeout.None, deadline.Look().Kind);
    }
}
