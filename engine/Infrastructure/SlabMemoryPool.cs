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
    private readonly List<byte[]> _slabs = [];
    private long _slabCount;
    private long _rented;
    private int _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks currently rented; a spec can watch this to prove memory stays bounded.</summary>
    public long RentedBlocks => Interlocked.Read(ref _rented);

    /// <summary>Bytes held in slabs, rented or free.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _slabCount) * BlocksPerSlab * BlockSize;

    /// <summary>Rents one block. Requests larger than a block get a block anyway, as MemoryPool allows.</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => RentBlock();

    internal PoolBlock RentBlock()
    {
        // Counted before taking a block, and Dispose marks the pool before reading the count: a rent that races
        // Dispose either stops Dispose handing the slabs on, or sees the mark and takes the lock Dispose holds.
        Interlocked.Increment(ref _rented);
        if (Volatile.Read(ref _disposed) != 0 || !_free.TryDequeue(out var block))
        {
            block = Grow();
        }

        block.OnRented();
        return block;
    }

    internal void Return(PoolBlock block)
    {
        Interlocked.Decrement(ref _rented);
        _free.Enqueue(block);
    }

    /// <summary>
    /// Hands the slabs to <see cref="SlabCache"/> for the next pool if every block has been returned; otherwise
    /// leaves them to the garbage collector. Rents after Dispose still work, from new slabs.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        lock (_growLock)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0 || Interlocked.Read(ref _rented) != 0)
            {
                return;
            }

            _free.Clear();
            foreach (var slab in _slabs)
            {
                SlabCache.Offer(slab);
            }

            _slabs.Clear();
            Interlocked.Exchange(ref _slabCount, 0);
        }
    }

    private PoolBlock Grow()
    {
        lock (_growLock)
        {
            if (_free.TryDequeue(out var ready))
            {
                return ready;
            }

            if (!SlabCache.TryTake(out var slab))
            {
                slab = GC.AllocateUninitializedArray<byte>(BlockSize * BlocksPerSlab, pinned: true);
            }

            // After Dispose the pool no longer tracks its slabs: they are no longer offered to the cache.
            if (Volatile.Read(ref _disposed) == 0)
            {
                _slabs.Add(slab);
            }

            Interlocked.Increment(ref _slabCount);
            for (var i = 1; i < BlocksPerSlab; i++)
            {
                _free.Enqueue(new PoolBlock(this, slab, i * BlockSize, BlockSize));
            }

            return new PoolBlock(this, slab, 0, BlockSize);
        }
    }
}
