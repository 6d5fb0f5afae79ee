using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Connections;

/// <summary>
/// Bytes accepted for output and not yet handed to libuv, in pool blocks filled from offset 0. A block is
/// never appended to after it has been submitted, so libuv and the app never share memory.
/// </summary>
internal sealed class OutputBuffer(SlabMemoryPool pool)
{
    private readonly List<(PoolBlock Block, int Length)> _segments = [];

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_segments.Count == 0 || _segments[^1].Length == _segments[^1].Block.Length)
            {
                _segments.Add((pool.RentBlock(), 0));
            }

            var (block, used) = _segments[^1];
            var n = Math.Min(data.Length, block.Length - used);
            data[..n].CopyTo(block.GetSpan()[used..]);
            _segments[^1] = (block, used + n);
            data = data[n..];
            Length += n;
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
        var batch = new WriteBatch(_segments.GetRange(0, count));
        _segments.RemoveRange(0, count);
        Length -= batch.Bytes;
        Invariant.Assert(Length >= 0);
        return batch;
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
}

/// <summary>The blocks of one <c>uv_write</c>; they return to the pool when libuv is done with them.</summary>
internal sealed class WriteBatch
{
    private readonly List<(PoolBlock Block, int Length)> _segments;

    public WriteBatch(List<(PoolBlock Block, int Length)> segments)
    {
        _segments = segments;
        Buffers = new UvBuffer[segments.Count];
        for (var i = 0; i < segments.Count; i++)
        {
            Buffers[i] = segments[i].Block.ToUvBuffer(0, segments[i].Length);
            Bytes += segments[i].Length;
        }
    }

    public UvBuffer[] Buffers { get; }

    public long Bytes { get; }

    public void Release()
    {
        foreach (var (block, _) in _segments)
        {
            ((IDisposable)block).Dispose();
        }
    }
}
