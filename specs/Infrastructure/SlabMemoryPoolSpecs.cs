using Testbed.Engine.Infrastructure;

namespace Testbed.Specs.Infrastructure;

/// <summary>
/// Disposing a <see cref="SlabMemoryPool"/> hands its slabs to the next pool only when no block is rented, so a
/// block someone still holds is never another pool's memory.
/// </summary>
public sealed class SlabMemoryPoolSpecs
{
    private const int TwoSlabs = 64;

    [Fact]
    public void A_pool_disposed_with_a_block_rented_keeps_its_slabs_from_the_next_pool()
    {
        var first = new SlabMemoryPool();
        using var held = first.RentBlock();
        held.GetSpan().Fill(0xAA);
        first.Dispose();

        var next = new SlabMemoryPool();
        var blocks = Enumerable.Range(0, TwoSlabs).Select(_ => next.RentBlock()).ToList();
        foreach (var block in blocks)
        {
            block.GetSpan().Fill(0x55);
        }

        Assert.DoesNotContain(blocks, block => block.Address == held.Address);
        Assert.True(held.GetSpan().IndexOfAnyExcept((byte)0xAA) < 0, "the held block was overwritten by the next pool");
        blocks.ForEach(block => ((IDisposable)block).Dispose());
    }

    [Fact]
    public void A_pool_disposed_with_every_block_returned_holds_no_slab_and_still_rents()
    {
        var pool = new SlabMemoryPool();
        ((IDisposable)pool.RentBlock()).Dispose();
        pool.Dispose();
        Assert.Equal(0, pool.AllocatedBytes);

        using var block = pool.RentBlock();
        Assert.Equal(SlabMemoryPool.BlockSize, block.Length);
        Assert.Equal(1, pool.RentedBlocks);
    }
}
