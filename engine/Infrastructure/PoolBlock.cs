using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Infrastructure;

/// <summary>
/// One block of a pinned slab. Its memory never moves, so <see cref="Pin"/> is free and the block's
/// address can go straight into a <c>uv_buf_t</c>. Dispose returns it to the pool exactly once.
/// </summary>
internal sealed class PoolBlock : MemoryManager<byte>
{
    private readonly SlabMemoryPool _pool;
    private readonly byte[] _slab;
    private readonly int _offset;
    private readonly int _length;
    private bool _rented;

    internal PoolBlock(SlabMemoryPool pool, byte[] slab, int offset, int length)
    {
        _pool = pool;
        _slab = slab;
        _offset = offset;
        _length = length;
    }

    public int Length => _length;

    public unsafe IntPtr Address => (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_slab)) + _offset;

    public UvBuffer ToUvBuffer(int start, int length)
    {
        Invariant.Assert(start >= 0 && length >= 0 && start + length <= _length);
        return new UvBuffer(Address + start, length);
    }

    public override Span<byte> GetSpan() => _slab.AsSpan(_offset, _length);

    public override Memory<byte> Memory => CreateMemory(_length);

    public override unsafe MemoryHandle Pin(int elementIndex = 0) =>
        new((byte*)Address + elementIndex, default, this);

    public override void Unpin()
    {
    }

    internal void OnRented()
    {
        Invariant.Assert(!_rented, "pool block rented twice");
        _rented = true;
    }

    protected override void Dispose(bool disposing)
    {
        Invariant.Assert(_rented, "pool block returned twice");
        _rented = false;
        _pool.Return(this);
    }

    protected override bool TryGetArray(out ArraySegment<byte> segment)
    {
        segment = new ArraySegment<byte>(_slab, _offset, _length);
        return true;
    }
}
