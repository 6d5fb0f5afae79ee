using System.Buffers;
using System.Collections.Concurrent;

namespace Testbed.Engine.Infrastructure;

/// <summary>
/// A pool of fixed-size blocks carved from pinned slabs. Pinned memory can be handed to libuv for reads and
/// writes without pinning per call, and the pool keeps steady-state allocation at zero.
/// </summary>
public sealed class SlabMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;
    private const int BlocksPerSlab = 32;

    private readonly ConcurrentQueue<PoolBlock> _free = new();
    private readonly object _growLock = new();
    private long _slabCount;
    private long _rented;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks currently rented; a spec can watch this to prove memory stays bounded.</summary>
    public long RentedBlocks => Interlocked.Read(ref _rented);

    /// <summary>Bytes held in slabs, rented or free.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _slabCount) * BlocksPerSlab * BlockSize;

    /// <summary>Rents one block. Requests larger than a block get a block anyway, as MemoryPool allows.</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => RentBlock();

    public PoolBlock RentBlock()
    {
        if (!_free.TryDequeue(out var block))
        {
            block = Grow();
        }

        block.OnRented();
        Interlocked.Increment(ref _rented);
        return block;
    }

    internal void Return(PoolBlock block)
    {
        Interlocked.Decrement(ref _rented);
        _free.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private PoolBlock Grow()
    {
        lock (_growLock)
        {
            if (_free.TryDequeue(out var ready))
            {
                return ready;
            }

            var slab = GC.AllocateUninitializedArray<byte>(BlockSize * BlocksPerSlab, pinned: true);
            Interlocked.Increment(ref _slabCount);
            for (var i = 1; i < BlocksPerSlab; i++)
            {
                _free.Enqueue(new PoolBlock(this, slab, i * BlockSize, BlockSize));
            }

            return new PoolBlock(this, slab, 0, BlockSize);
        }
    }
}
