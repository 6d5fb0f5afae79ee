using System.Buffers;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Connections;

/// <summary>
/// Bytes accepted for output and not yet handed to libuv, in pool blocks filled from offset 0. A block is
/// never appended to after it has been submitted, so libuv and the app never share memory. Batches are
/// reused (at most <see cref="SocketOutput.MaxWritesInFlight"/> are out at once), so a steady stream of
/// writes allocates nothing here.
/// </summary>
internal sealed class OutputBuffer(SlabMemoryPool pool)
{
    private readonly List<(PoolBlock Block, int Length)> _segments = [];
    private readonly Stack<WriteBatch> _spareBatches = new();

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var free = FreeSpan(1);
            var n = Math.Min(data.Length, free.Length);
            data[..n].CopyTo(free);
            Advance(n);
            data = data[n..];
        }
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes produced by <paramref name="fill"/> straight into a pool block when
    /// they fit one (the usual response head), else through a rented array.
    /// </summary>
    public void Append<TState>(int length, TState state, SpanAction<byte, TState> fill)
    {
        Invariant.Assert(length >= 0);
        if (length == 0)
        {
            return;
        }

        if (length <= SlabMemoryPool.BlockSize)
        {
            fill(FreeSpan(length)[..length], state);
            Advance(length);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            fill(rented.AsSpan(0, length), state);
            Append(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Takes up to <paramref name="maxBuffers"/> segments for one write; null when empty.</summary>
    public WriteBatch? Take(int maxBuffers)
    {
        if (Length == 0)
        {
            return null;
        }

        var count = Math.Min(maxBuffers, _segments.Count);
        var batch = _spareBatches.Count > 0 ? _spareBatches.Pop() : new WriteBatch();
        batch.Fill(_segments, count);
        _segments.RemoveRange(0, count);
        Length -= batch.Bytes;
        Invariant.Assert(Length >= 0);
        return batch;
    }

    /// <summary>Returns a batch's blocks to the pool once libuv is done with them, and keeps the batch for reuse.</summary>
    public void Release(WriteBatch batch)
    {
        batch.Release();
        _spareBatches.Push(batch);
        Invariant.Assert(_spareBatches.Count <= SocketOutput.MaxWritesInFlight);
    }

    /// <summary>Returns every pending block to the pool (the connection aborted).</summary>
    public void Release()
    {
        foreach (var (block, _) in _segments)
        {
            ((IDisposable)block).Dispose();
        }

        _segments.Clear();
        Length = 0;
    }

    /// <summary>The free space of the last block, or of a new one when that has less than <paramref name="atLeast"/>.</summary>
    private Span<byte> FreeSpan(int atLeast)
    {
        Invariant.Assert(atLeast is >= 1 and <= SlabMemoryPool.BlockSize);
        if (_segments.Count == 0 || _segments[^1].Block.Length - _segments[^1].Length < atLeast)
        {
            _segments.Add((pool.RentBlock(), 0));
        }

        var (block, used) = _segments[^1];
        return block.GetSpan()[used..];
    }

    private void Advance(int n)
    {
        var (block, used) = _segments[^1];
        Invariant.Assert(used + n <= block.Length);
        _segments[^1] = (block, used + n);
        Length += n;
    }
}

/// <summary>The blocks of one <c>uv_write</c>; they return to the pool when libuv is done with them.</summary>
internal sealed class WriteBatch
{
    private readonly List<(PoolBlock Block, int Length)> _segments = [];
    private UvBuffer[] _buffers = new UvBuffer[4];

    public ReadOnlySpan<UvBuffer> Buffers => _buffers.AsSpan(0, _segments.Count);

    public long Bytes { get; private set; }

    /// <summary>Takes the first <paramref name="count"/> of <paramref name="segments"/>; the batch must be empty.</summary>
    public void Fill(List<(PoolBlock Block, int Length)> segments, int count)
    {
        Invariant.Assert(_segments.Count == 0 && Bytes == 0, "a batch is filled only when empty");
        if (_buffers.Length < count)
        {
            _buffers = new UvBuffer[Math.Max(count, _buffers.Length * 2)];
        }

        for (var i = 0; i < count; i++)
        {
            var (block, length) = segments[i];
            _segments.Add((block, length));
            _buffers[i] = block.ToUvBuffer(0, length);
            Bytes += length;
        }
    }

    public void Release()
    {
        foreach (var (block, _) in _segments)
        {
            ((IDisposable)block).Dispose();
        }

        _segments.Clear();
        Bytes = 0;
    }
}
