using Testbed.Engine.Networking;
using Testbed.Specs.Mock.Support;

namespace Testbed.Specs.Mock;

/// <summary>
/// A failed uv_write aborts the connection, and an abort lets nothing hang: every waiting write completes (the
/// app learns of the failure through RequestAborted, not an exception), later writes are dropped, and pool
/// blocks return once libuv gives up the buffers it still owns.
/// </summary>
public sealed class SocketOutputFailureSpecs
{
    private const int Budget = (int)MockSocketOutputHarness.DefaultBudget;

    [Theory]
    [InlineData(UvStatus.ECONNRESET)]
    [InlineData(UvStatus.EPIPE)]
    [InlineData(UvStatus.ECANCELED)]
    public void A_failed_write_completes_every_waiter(int status)
    {
        var h = new MockSocketOutputHarness();
        h.Write(Budget);
        h.Settle();
        var waiters = new[] { h.Write(100), h.Write(100) };
        h.Settle();
        h.Write(100, immediate: false);
        Assert.Equal(2, h.Client.WritesInFlight.Count);
        Assert.All(waiters, w => Assert.False(w.IsCompleted));

        h.Complete(status);

        Assert.All(waiters, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Equal(1, h.TraceCount("srv.end c1 Open->Aborted"));

        // The abort closed the socket, which cancelled the uv_write behind the failed one.
        Assert.True(h.Closed);
        Assert.Equal([status, UvStatus.ECANCELED], h.Client.Writes.Select(w => w.Status!.Value));
        Assert.Empty(h.Client.Received);
        Assert.True(h.Write(100).IsCompletedSuccessfully);
        Assert.Equal(1, h.TraceCount("srv.write c1 bytes=100 end=65836 Dropped"));
        h.Finish();
    }

    [Fact]
    public void After_an_abort_writes_complete_once_it_is_announced_and_are_dropped()
    {
        var h = new MockSocketOutputHarness(budget: 0);
        h.Write(10);
        h.Settle();

        h.App(() =>
        {
            h.Connection.Abort(Testbed.Engine.Connections.AbortReason.ResponseIncomplete);
            return 0;
        });
        h.RunUntilTraced("srv.end c1");

        // Aborted on the loop, not yet announced to the app: a dropped write must not let a busy writer spin.
        var beforeAnnouncement = h.Write(1);
        Assert.False(beforeAnnouncement.IsCompleted);
        h.Settle();
        Assert.True(beforeAnnouncement.IsCompletedSuccessfully);

        Assert.True(h.Write(Budget * 2).IsCompletedSuccessfully);
        Assert.True(h.Write(10, immediate: false).IsCompletedSuccessfully);
        h.Settle();

        Assert.Equal(3, h.TraceCount("Dropped"));
        Assert.Single(h.Client.Writes);
        Assert.Equal(10, h.Output.UnflushedBytes);
        h.Finish();
    }

    [Fact]
    public void A_second_abort_of_the_output_changes_nothing()
    {
        var h = new MockSocketOutputHarness(budget: 0);
        var waiter = h.Write(10);
        h.Settle();
        var announced = 0;

        h.OnLoop(() =>
        {
            h.Output.Abort(() => announced++);
            h.Output.Abort(() => announced++);
            return 0;
        });
        h.Settle();

        Assert.Equal(1, announced);
        Assert.True(waiter.IsCompletedSuccessfully);

        // The output stopped; closing the socket is the connection's part.
        h.App(() =>
        {
            h.Connection.Abort(Testbed.Engine.Connections.AbortReason.ResponseIncomplete);
            return 0;
        });
        h.Settle();
        Assert.True(h.Closed);
        h.Finish();
    }

    [Fact]
    public void Pool_blocks_return_after_an_abort_once_the_socket_cancels_its_writes()
    {
        var h = new MockSocketOutputHarness();
        h.Write(10_000);
        h.Settle();
        h.Write(5_000, immediate: false);
        Assert.Equal(5, h.Pool.RentedBlocks);

        h.App(() =>
        {
            h.Connection.Abort(Testbed.Engine.Connections.AbortReason.ResponseIncomplete);
            return 0;
        });
        h.RunUntilTraced("srv.end c1");

        // The pending blocks are back; the three of the uv_write in flight stay with libuv until it lets go.
        Assert.Equal(3, h.Pool.RentedBlocks);
        h.Settle();

        Assert.Equal(UvStatus.ECANCELED, Assert.Single(h.Client.Writes).Status);
        Assert.Equal(0, h.Pool.RentedBlocks);
        h.Finish();
    }

    [Fact]
    public void A_uv_write_refused_at_submission_fails_only_its_own_batch()
    {
        var h = new MockSocketOutputHarness();
        h.Write(8192);
        h.Settle();

        // libuv refuses uv_write once uv_shutdown has been called; a shutdown behind the output's back makes the
        // next uv_write fail at submission while an older one is still in flight.
        h.OnLoop(() =>
        {
            new UvShutdownReq(h.Thread.Loop).Shutdown(h.Socket, (_, _) => { });
            return 0;
        });
        h.Write(100);
        h.RunUntilTraced("srv.end c1");

        Assert.Equal(1, h.TraceCount("uv.write h2 status=EPIPE"));
        Assert.Equal(2, h.Pool.RentedBlocks);

        // Another connection rents and fills every free block; the in-flight uv_write's two must not be among
        // them, or the mock finds its buffers changed when the close cancels it.
        ScribbleOverFreeBlocks(h);
        h.Settle();
        Assert.Equal(UvStatus.ECANCELED, Assert.Single(h.Client.Writes).Status);
        Assert.Equal(0, h.Pool.RentedBlocks);
        h.Finish();
    }

    private static void ScribbleOverFreeBlocks(MockSocketOutputHarness h)
    {
        var blocks = Enumerable.Range(0, 64).Select(_ => h.Pool.RentBlock()).ToList();
        foreach (var block in blocks)
        {
            block.GetSpan().Fill(0xEE);
            ((IDisposable)block).Dispose();
        }
    }
}
