using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Mock.Support;

namespace Testbed.Specs.Mock;

/// <summary>
/// What goes into each uv_write: pending writes coalesce into one multi-buffer uv_write, at most
/// <see cref="SocketOutput.MaxWritesInFlight"/> are outstanding, and pool blocks stay rented while libuv owns them.
/// </summary>
public sealed class SocketOutputBatchingSpecs
{
    [Fact]
    public void Writes_made_before_the_loop_runs_go_out_as_one_uv_write()
    {
        var h = new MockSocketOutputHarness();

        h.Write(10);
        h.Write(20);
        h.Write(30);
        Assert.Empty(h.Client.Writes);
        h.Settle();

        var uvWrite = Assert.Single(h.Client.Writes);
        Assert.Equal(1, uvWrite.BufferCount);
        Assert.Equal(h.Written, uvWrite.Bytes);
        h.Finish();
    }

    [Fact]
    public void A_coalesced_uv_write_carries_one_buffer_per_pool_block()
    {
        var h = new MockSocketOutputHarness();

        // A head, a body and a flush, the way a response is produced: 8100 bytes fill two 4 KiB blocks.
        h.Write(100, immediate: false);
        h.Write(5000, immediate: false);
        h.Write(3000);
        h.Settle();

        var uvWrite = Assert.Single(h.Client.Writes);
        Assert.Equal(2, uvWrite.BufferCount);
        Assert.Equal(h.Written, uvWrite.Bytes);
        h.Finish();
    }

    [Fact]
    public void At_most_three_uv_writes_are_in_flight_and_the_rest_coalesce_behind_them()
    {
        var h = new MockSocketOutputHarness(budget: null);

        for (var i = 0; i < 5; i++)
        {
            h.Write(10);
            h.Settle();
        }

        Assert.Equal(SocketOutput.MaxWritesInFlight, h.Client.WritesInFlight.Count);
        Assert.Equal(3, h.Client.Writes.Count);

        // The first completion frees a slot: the fourth and fifth writes go out together.
        h.Complete();
        Assert.Equal([10, 10, 20], h.Client.WritesInFlight.Select(w => w.Bytes.Length));

        h.CompleteAll();
        Assert.Equal(SocketOutput.MaxWritesInFlight, h.Client.MaxWritesInFlight);
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    [Fact]
    public void Pending_bytes_beyond_one_uv_write_go_out_when_it_completes()
    {
        var h = new MockSocketOutputHarness();
        const int blocksPerWrite = 256;

        var write = h.Write((blocksPerWrite * SlabMemoryPool.BlockSize) + 1);
        h.Settle();
        Assert.Equal(blocksPerWrite, Assert.Single(h.Client.Writes).BufferCount);
        Assert.False(write.IsCompleted);

        // One byte is left unflushed, well within the budget: the write completes and its last byte goes out.
        h.Complete();
        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal([1], h.Client.WritesInFlight.Select(w => w.Bytes.Length));
        h.Complete();
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    [Fact]
    public void Pool_blocks_are_held_while_in_flight_and_returned_after()
    {
        var h = new MockSocketOutputHarness();

        h.Write(10_000);
        h.Settle();
        h.Write(100);
        h.Settle();
        Assert.Equal(4, h.Pool.RentedBlocks);

        h.Complete();
        Assert.Equal(1, h.Pool.RentedBlocks);
        h.Complete();
        Assert.Equal(0, h.Pool.RentedBlocks);
        h.Finish();
    }
}
