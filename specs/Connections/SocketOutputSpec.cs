using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Specs.Support;

namespace Testbed.Specs.Connections;

/// <summary>
/// Write-behind backpressure of <see cref="SocketOutput"/>: the seed's SocketOutput tests made exact. Every
/// uv_write completes only when the spec says so, and tasks complete only when the scheduler runs, so "not
/// completed" is a fact here rather than a one-second timeout.
/// </summary>
public sealed class SocketOutputSpec
{
    private const int Budget = 64 * 1024;

    [Fact]
    public void A_write_larger_than_the_budget_completes_once_its_own_bytes_are_flushed()
    {
        using var h = new SocketOutputHarness(Budget);

        var write = h.Write(1024 * 1024);
        h.Settle();

        while (h.Uv.WritesInFlight > 0)
        {
            Assert.False(write.IsCompleted);
            h.Complete();
        }

        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(h.Written, h.Uv.Wire);
    }

    [Fact]
    public void A_write_beyond_the_budget_waits_until_the_earlier_uv_write_completes()
    {
        using var h = new SocketOutputHarness(Budget);

        // The first 64 KiB fit the budget exactly, so the task is already complete when WriteAsync returns.
        Assert.True(h.Write(Budget).IsCompletedSuccessfully);
        h.Settle();
        var second = h.Write(Budget);
        h.Settle();

        Assert.False(second.IsCompleted);
        Assert.Equal(2, h.Uv.WritesInFlight);
        h.Complete();
        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public void Non_immediate_writes_always_complete_but_count_toward_the_budget()
    {
        using var h = new SocketOutputHarness(Budget);
        const int half = Budget / 2;

        Assert.True(h.Write(half, immediate: false).IsCompletedSuccessfully);
        Assert.True(h.Write(half).IsCompletedSuccessfully);
        h.Settle();

        // 96 KiB accepted: over the budget, yet a non-immediate write never waits.
        Assert.True(h.Write(half, immediate: false).IsCompletedSuccessfully);
        var fourth = h.Write(half);
        h.Settle();

        Assert.False(fourth.IsCompleted);
        h.Complete();
        Assert.True(fourth.IsCompletedSuccessfully);
        Assert.Equal(1, h.Uv.WritesInFlight);
    }

    [Fact]
    public void Non_immediate_bytes_make_a_small_immediate_write_wait()
    {
        using var h = new SocketOutputHarness(Budget);

        h.Write(Budget, immediate: false);
        var write = h.Write(1);
        h.Settle();

        Assert.False(write.IsCompleted);
        h.Complete();
        Assert.True(write.IsCompletedSuccessfully);
    }

    /// <summary>aspnet/KestrelHttpServer#356: one completed uv_write released every waiter, not just those that fit.</summary>
    [Fact]
    public void Completing_one_write_releases_the_second_waiter_but_not_the_third()
    {
        using var h = new SocketOutputHarness(Budget);

        Assert.True(h.Write(Budget).IsCompletedSuccessfully);
        h.Settle();
        var second = h.Write(Budget);
        var third = h.Write(Budget);
        h.Settle();

        h.Complete();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);

        h.Complete();
        Assert.True(third.IsCompletedSuccessfully);
    }

    [Fact]
    public void Writes_made_before_the_loop_runs_go_out_as_one_uv_write()
    {
        using var h = new SocketOutputHarness(Budget);

        h.Write(10);
        h.Write(20);
        h.Write(30);
        h.Settle();

        var write = Assert.Single(h.Uv.Submitted);
        Assert.Equal([60], write.BufferLengths);
        Assert.Equal(h.Written, write.Bytes);
    }

    [Fact]
    public void A_coalesced_uv_write_carries_one_buffer_per_filled_pool_block()
    {
        using var h = new SocketOutputHarness(Budget);

        // A head, a body and a flush, the way a response is produced: 8100 bytes fill two 4 KiB blocks.
        h.Write(100, immediate: false);
        h.Write(5000, immediate: false);
        h.Write(3000);
        h.Settle();

        var write = Assert.Single(h.Uv.Submitted);
        Assert.Equal([4096, 4004], write.BufferLengths);
        Assert.Equal(h.Written, write.Bytes);
    }

    [Fact]
    public void At_most_three_uv_writes_are_in_flight_and_the_rest_coalesce_behind_them()
    {
        using var h = new SocketOutputHarness(budget: null);

        for (var i = 0; i < 5; i++)
        {
            h.Write(10);
            h.Settle();
        }

        Assert.Equal(SocketOutput.MaxWritesInFlight, h.Uv.WritesInFlight);
        h.Complete();

        Assert.Equal(4, h.Uv.Submitted.Count);
        Assert.Equal(20, h.Uv.Submitted[3].Bytes.Length);
        h.CompleteAll();
        Assert.Equal(3, h.Uv.MaxWritesInFlight);
        Assert.Equal(h.Written, h.Uv.Wire);
    }

    [Fact]
    public void An_unlimited_budget_never_makes_a_write_wait()
    {
        using var h = new SocketOutputHarness(budget: null);

        var writes = Enumerable.Range(0, 16).Select(_ => h.Write(256 * 1024)).ToList();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Empty(h.Uv.Submitted);
        h.Settle();
        h.CompleteAll();
        Assert.Equal(h.Written, h.Uv.Wire);
    }

    [Fact]
    public void A_zero_budget_makes_every_immediate_write_wait_for_the_socket()
    {
        using var h = new SocketOutputHarness(budget: 0);

        Assert.True(h.Write(10, immediate: false).IsCompletedSuccessfully);
        var write = h.Write(1);
        h.Settle();

        Assert.False(write.IsCompleted);
        h.Complete();
        Assert.True(write.IsCompletedSuccessfully);

        // Nothing is unflushed: end - flushed = 0 fits even a zero budget.
        Assert.True(h.Write(0).IsCompletedSuccessfully);
    }

    [Fact]
    public void Waiters_are_released_in_order_and_only_while_they_fit()
    {
        using var h = new SocketOutputHarness(budget: 10);
        var order = new List<int>();

        Track(1, h.Write(10), order);
        h.Settle();
        Track(2, h.Write(5), order);
        Track(3, h.Write(5), order);
        Track(4, h.Write(5), order);
        Track(5, h.Write(0), order);
        h.Settle();
        Assert.Equal([1], order);

        // 10 flushed: 2 (end 15) and 3 (end 20) fit, 4 (end 25) does not, and 5 queues behind 4.
        h.Complete();
        Assert.Equal([1, 2, 3], order);

        h.Complete();
        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public void A_failed_write_is_reported_and_abort_completes_every_waiter()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(Budget);
        h.Settle();
        var waiters = new[] { h.Write(100), h.Write(100) };
        h.Settle();
        h.Write(100, immediate: false);

        h.Complete(UvStatus.ECONNRESET);
        Assert.Equal([UvStatus.ECONNRESET], h.Events.WriteFailures);
        h.Output.Abort(() => { });
        h.Settle();

        Assert.All(waiters, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Empty(h.Uv.Wire);
    }

    [Fact]
    public void After_an_abort_writes_complete_at_once_and_are_dropped()
    {
        using var h = new SocketOutputHarness(budget: 0);
        h.Write(10);
        h.Settle();
        var announced = 0;
        h.Output.Abort(() => announced++);
        var beforeAnnouncement = h.Write(1);
        Assert.False(beforeAnnouncement.IsCompleted);
        h.Settle();
        Assert.Equal(1, announced);
        Assert.True(beforeAnnouncement.IsCompletedSuccessfully);

        Assert.True(h.Write(Budget * 2).IsCompletedSuccessfully);
        Assert.True(h.Write(10, immediate: false).IsCompletedSuccessfully);
        h.Settle();

        Assert.Single(h.Uv.Submitted);
        Assert.Equal(10, h.Output.UnflushedBytes);
    }

    [Fact]
    public void Pool_blocks_return_after_an_abort_once_the_socket_cancels_its_writes()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(10_000);
        h.Settle();
        h.Write(5_000, immediate: false);
        Assert.Equal(5, h.Pool.RentedBlocks);

        h.Output.Abort(() => { });
        Assert.Equal(3, h.Pool.RentedBlocks);
        h.Socket.Close();
        h.Settle();

        Assert.Equal(UvStatus.ECANCELED, h.Uv.Submitted[0].Status);
        Assert.Equal(0, h.Pool.RentedBlocks);
    }

    [Fact]
    public void Pool_blocks_are_held_while_in_flight_and_returned_after()
    {
        using var h = new SocketOutputHarness(Budget);

        h.Write(10_000);
        h.Settle();
        h.Write(100);
        h.Settle();
        Assert.Equal(4, h.Pool.RentedBlocks);

        h.Complete();
        Assert.Equal(1, h.Pool.RentedBlocks);
        h.Complete();
        Assert.Equal(0, h.Pool.RentedBlocks);
    }

    [Fact]
    public void A_uv_write_refused_at_submission_fails_only_its_own_batch()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(8192);
        h.Settle();

        h.Uv.RefuseWrites = UvStatus.EPIPE;
        h.Write(100);
        h.Settle();

        Assert.Equal([UvStatus.EPIPE], h.Events.WriteFailures);
        Assert.Equal(2, h.Pool.RentedBlocks);

        // Another connection rents and fills every free block; the in-flight uv_write's two must not be among them.
        ScribbleOverFreeBlocks(h.Pool);
        h.Complete();
        Assert.Equal(h.Written[..8192], h.Uv.Wire);
        Assert.Equal(0, h.Pool.RentedBlocks);
    }

    [Fact]
    public void Shutdown_fires_once_after_every_earlier_byte_is_written()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(100);
        h.Settle();
        h.Write(50, immediate: false);

        h.Output.End(ProduceEndType.SocketShutdownSend);
        h.Settle();
        Assert.Equal(2, h.Uv.WritesInFlight);
        h.Complete();
        Assert.Empty(h.Events.Ends);
        h.Complete();

        Assert.Equal([("OnShutdownSend", 150)], h.Events.Ends);
        h.Output.End(ProduceEndType.SocketShutdownSend);
        h.Settle();
        Assert.Single(h.Events.Ends);
        Assert.Equal(h.Written, h.Uv.Wire);
    }

    [Fact]
    public void Shutdown_with_nothing_pending_fires_on_the_next_loop_turn()
    {
        using var h = new SocketOutputHarness(Budget);

        h.Output.End(ProduceEndType.SocketShutdownSend);
        Assert.Empty(h.Events.Ends);
        h.Settle();

        Assert.Equal([("OnShutdownSend", 0)], h.Events.Ends);
    }

    [Fact]
    public void Disconnect_fires_once_after_the_flush_and_later_writes_are_dropped()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(100);
        h.Write(20, immediate: false);

        h.Output.End(ProduceEndType.SocketDisconnect);
        Assert.True(h.Write(30).IsCompletedSuccessfully);
        h.Settle();
        Assert.Empty(h.Events.Ends);
        h.Complete();

        Assert.Equal([("OnDisconnect", 120)], h.Events.Ends);
        h.Output.End(ProduceEndType.SocketDisconnect);
        h.Settle();
        Assert.Single(h.Events.Ends);
        Assert.Equal(h.Written[..120], h.Uv.Wire);
    }

    [Fact]
    public void A_disconnect_requested_before_the_drain_supersedes_a_pending_shutdown()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(100);
        h.Settle();

        h.Output.End(ProduceEndType.SocketShutdownSend);
        h.Output.End(ProduceEndType.SocketDisconnect);
        h.Settle();
        h.Complete();

        Assert.Equal([("OnDisconnect", 100)], h.Events.Ends);
    }

    [Fact]
    public void A_failed_write_never_signals_the_requested_end()
    {
        using var h = new SocketOutputHarness(Budget);
        h.Write(100);
        h.Output.End(ProduceEndType.SocketShutdownSend);
        h.Settle();

        h.Complete(UvStatus.EPIPE);

        Assert.Empty(h.Events.Ends);
        Assert.Equal([UvStatus.EPIPE], h.Events.WriteFailures);
    }

    [Fact]
    public void The_loop_closes_cleanly_once_the_socket_is_closed()
    {
        var h = new SocketOutputHarness(Budget);
        h.Write(100);
        h.Settle();
        h.Complete();

        h.Dispose();

        Assert.True(h.Uv.TornDown);
        Assert.True(h.Thread.Stopped.IsCompletedSuccessfully);
        Assert.Empty(h.Log.Errors);
    }

    private static void ScribbleOverFreeBlocks(SlabMemoryPool pool)
    {
        var blocks = Enumerable.Range(0, 64).Select(_ => pool.RentBlock()).ToList();
        foreach (var block in blocks)
        {
            block.GetSpan().Fill(0xEE);
            ((IDisposable)block).Dispose();
        }
    }

    private static void Track(int id, Task write, List<int> order) =>
        write.ContinueWith(_ => order.Add(id), TaskContinuationOptions.ExecuteSynchronously);
}
