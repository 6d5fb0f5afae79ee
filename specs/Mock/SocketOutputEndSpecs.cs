using Testbed.Engine.Connections;
using Testbed.Engine.Networking;
using Testbed.Specs.Mock.Support;

namespace Testbed.Specs.Mock;

/// <summary>
/// The seed's <c>End(ProduceEndType)</c>: Open → Shutdown → Disconnected, each transition at most once, and the
/// FIN or the close only after every byte queued before it was written. The trace's <c>srv.end</c> lines are
/// the transitions; its <c>uv.shutdown</c> and <c>uv.close</c> lines are what reached the socket.
/// </summary>
public sealed class SocketOutputEndSpecs
{
    [Fact]
    public void Shutdown_fires_once_after_every_earlier_byte_is_written()
    {
        var h = new MockSocketOutputHarness();
        h.Write(100);
        h.Settle();
        h.Write(50, immediate: false);

        h.End(ProduceEndType.SocketShutdownSend);
        h.Settle();
        Assert.Equal(2, h.Client.WritesInFlight.Count);
        h.Complete();
        Assert.Equal(0, h.TraceCount("uv.shutdown"));
        h.Complete();

        Assert.Equal(1, h.TraceCount("uv.shutdown"));
        Assert.True(h.Client.ServerFinished);
        Assert.Equal(h.Written, h.Client.Received);

        h.End(ProduceEndType.SocketShutdownSend);
        h.Settle();
        Assert.Equal(1, h.TraceCount("uv.shutdown"));
        Assert.Equal(1, h.TraceCount("srv.end c1"));
        h.Finish();
    }

    [Fact]
    public void Shutdown_with_nothing_pending_fires_on_the_next_loop_turn()
    {
        var h = new MockSocketOutputHarness();

        h.End(ProduceEndType.SocketShutdownSend);
        Assert.Equal(0, h.TraceCount("uv.shutdown"));
        h.Settle();

        Assert.Equal(1, h.TraceCount("uv.shutdown"));
        Assert.True(h.Client.ServerFinished);
        h.Finish();
    }

    [Fact]
    public void Disconnect_closes_once_after_the_flush_and_later_writes_are_dropped()
    {
        var h = new MockSocketOutputHarness();
        var closesBefore = h.TraceCount("uv.close");
        h.Write(100);
        h.Write(20, immediate: false);

        h.End(ProduceEndType.SocketDisconnect);
        Assert.True(h.Write(30).IsCompletedSuccessfully);
        h.Settle();
        Assert.Equal(120, Assert.Single(h.Client.WritesInFlight).Bytes.Length);
        Assert.False(h.Closed);
        h.Complete();

        Assert.True(h.Closed);
        Assert.Equal(closesBefore + 1, h.TraceCount("uv.close"));
        Assert.Equal(h.Written[..120], h.Client.Received);

        h.End(ProduceEndType.SocketDisconnect);
        h.End(ProduceEndType.SocketShutdownSend);
        h.Settle();
        Assert.Equal(closesBefore + 1, h.TraceCount("uv.close"));
        Assert.Equal(0, h.TraceCount("uv.shutdown"));
        Assert.Equal(1, h.TraceCount("srv.end c1"));
        h.Finish();
    }

    [Fact]
    public void A_disconnect_requested_before_the_drain_supersedes_a_pending_shutdown()
    {
        var h = new MockSocketOutputHarness();
        h.Write(100);
        h.Settle();

        h.End(ProduceEndType.SocketShutdownSend);
        h.End(ProduceEndType.SocketDisconnect);
        h.Settle();
        Assert.False(h.Closed);
        h.Complete();

        Assert.True(h.Closed);
        Assert.Equal(0, h.TraceCount("uv.shutdown"));
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    [Fact]
    public void A_failed_write_never_sends_the_requested_fin()
    {
        var h = new MockSocketOutputHarness();
        h.Write(100);
        h.End(ProduceEndType.SocketShutdownSend);
        h.Settle();

        h.Complete(UvStatus.EPIPE);

        Assert.Equal(0, h.TraceCount("uv.shutdown"));
        Assert.Equal(1, h.TraceCount("srv.end c1 Shutdown->Aborted"));
        Assert.True(h.Closed);
        h.Finish();
    }

    /// <summary>SocketOutput guards its own ends too, whoever calls it: a repeated request starts nothing new.</summary>
    [Fact]
    public void SocketOutput_starts_each_end_at_most_once()
    {
        var h = new MockSocketOutputHarness();
        h.Write(10);
        h.Settle();

        h.App(() =>
        {
            h.Output.End(ProduceEndType.ConnectionKeepAlive);
            h.Output.End(ProduceEndType.SocketShutdownSend);
            h.Output.End(ProduceEndType.SocketShutdownSend);
            return 0;
        });
        h.Settle();
        Assert.Equal(0, h.TraceCount("uv.shutdown"));
        h.Complete();
        Assert.Equal(1, h.TraceCount("uv.shutdown"));
        h.App(() =>
        {
            h.Output.End(ProduceEndType.SocketShutdownSend);
            return 0;
        });
        h.Settle();
        Assert.Equal(1, h.TraceCount("uv.shutdown"));

        var closes = h.TraceCount("uv.close");
        h.App(() =>
        {
            h.Output.End(ProduceEndType.SocketDisconnect);
            return 0;
        });
        h.Settle();

        Assert.Equal(1, h.TraceCount("uv.shutdown"));
        Assert.Equal(closes + 1, h.TraceCount("uv.close"));
        Assert.True(h.Closed);

        // Called directly, not through the connection: no transition was recorded.
        Assert.Equal(0, h.TraceCount("srv.end c1"));
        h.Finish();
    }

    /// <summary>Repeated and out-of-order ends: only the first of each transition happens, and never backwards.</summary>
    [Theory]
    [InlineData("Shutdown Shutdown KeepAlive Disconnect Disconnect Shutdown", "Open->Shutdown Shutdown->Disconnected", 0)]
    [InlineData("Disconnect Shutdown Disconnect KeepAlive", "Open->Disconnected", 0)]
    [InlineData("KeepAlive KeepAlive Shutdown KeepAlive Shutdown", "Open->Shutdown", 1)]
    public void Each_end_transition_happens_at_most_once(string ends, string transitions, int shutdowns)
    {
        var h = new MockSocketOutputHarness();

        // A uv_write in flight: the ends are requested while output is still draining.
        h.Write(10);
        h.Settle();
        foreach (var end in ends.Split(' '))
        {
            h.End(Parse(end));
            h.Settle();
        }

        h.CompleteAll();
        var traced = h.Sim.Trace.ToString().Split('\n').Where(l => l.Contains(" srv.end c1 ", StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf(' ') + 1)..]);
        Assert.Equal(transitions.Split(' '), traced);
        Assert.Equal(shutdowns, h.TraceCount("uv.shutdown"));
        Assert.Equal(shutdowns == 0, h.Closed);
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    private static ProduceEndType Parse(string end) => end switch
    {
        "KeepAlive" => ProduceEndType.ConnectionKeepAlive,
        "Shutdown" => ProduceEndType.SocketShutdownSend,
        _ => ProduceEndType.SocketDisconnect,
    };
}
