using System.Buffers;
using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// One uv_write the server submitted. Its bytes are copied at submission (what the engine asked to send) and
/// checked again at completion, since libuv may read the buffers any time before its callback. The copy is
/// what the client receives; it is kept as <see cref="Bytes"/> while the connection records its writes, and
/// otherwise lives in a pooled array only until the write completes.
/// </summary>
public sealed class MockWrite
{
    private readonly UvBuffer[] _buffers;
    private readonly bool _recorded;
    private byte[] _snapshot;

    internal MockWrite(SimConnection connection, UvWriteReq request, ReadOnlySpan<UvBuffer> buffers, bool keepBuffers, bool record)
    {
        Connection = connection;
        Request = request;
        _buffers = keepBuffers ? buffers.ToArray() : [];
        BufferCount = buffers.Length;
        foreach (var buffer in buffers)
        {
            Length += buffer.Length;
        }

        _recorded = record;
        _snapshot = record ? new byte[Length] : ArrayPool<byte>.Shared.Rent(Length);
        var offset = 0;
        foreach (var buffer in buffers)
        {
            buffer.AsSpan().CopyTo(_snapshot.AsSpan(offset));
            offset += buffer.Length;
        }
    }

    public SimConnection Connection { get; }

    public UvWriteReq Request { get; }

    /// <summary>The bytes as they were when the write was submitted; only kept while the connection records its writes.</summary>
    public byte[] Bytes => _recorded
        ? _snapshot
        : throw new InvalidOperationException($"{Connection.Name} does not record its writes' bytes ({nameof(SimConnection.RecordWrites)} is off)");

    /// <summary>How many bytes the write carries.</summary>
    public int Length { get; }

    public int BufferCount { get; }

    /// <summary>The completion status, or null while the write is in flight.</summary>
    public int? Status { get; internal set; }

    /// <summary>The status drawn at submission for the write's automatic completion.</summary>
    internal int AutomaticStatus { get; set; }

    /// <summary>The submitted bytes, until <see cref="Release"/>.</summary>
    internal ReadOnlySpan<byte> Snapshot => _snapshot.AsSpan(0, Length);

    /// <summary>Completes this write with <paramref name="status"/> (0, or ECONNRESET, EPIPE, ECANCELED...) as the next event.</summary>
    public void Complete(int status = 0) => Connection.CompleteLater(this, status);

    internal void AssertBuffersUnchanged()
    {
        var offset = 0;
        foreach (var buffer in _buffers)
        {
            // Compared in place: a copy of every write's bytes at completion would double what verification costs.
            if (!buffer.AsSpan().SequenceEqual(Snapshot.Slice(offset, buffer.Length)))
            {
                throw new SimulationException("uv_write buffers changed while the write was in flight");
            }

            offset += buffer.Length;
        }
    }

    /// <summary>After completion: an unrecorded write's copy goes back to the pool.</summary>
    internal void Release()
    {
        if (!_recorded)
        {
            ArrayPool<byte>.Shared.Return(_snapshot);
            _snapshot = [];
        }
    }
}
