using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// One uv_write the server submitted. With <see cref="SimulationOptions.VerifyWriteBuffers"/> (the default) its
/// bytes are copied at submission (what the engine asked to send), into the client's receive buffer where they
/// wait until the write completes, and compared with the buffers again at completion, since libuv may read the
/// buffers any time before its callback. Without it, they are copied into the receive buffer at completion.
/// While the connection records its writes, a copy taken at submission is also kept as <see cref="Bytes"/>.
/// </summary>
public sealed class MockWrite
{
    private readonly UvBuffer[] _buffers;
    private readonly byte[]? _bytes;

    internal MockWrite(SimConnection connection, UvWriteReq request, ReadOnlySpan<UvBuffer> buffers, int length, ReadOnlySpan<byte> staged)
    {
        Connection = connection;
        Request = request;
        _buffers = buffers.ToArray();
        BufferCount = buffers.Length;
        Length = length;
        _bytes = connection.RecordWrites ? staged.ToArray() : null;
    }

    public SimConnection Connection { get; }

    public UvWriteReq Request { get; }

    /// <summary>The bytes as they were when the write was submitted; only kept while the connection records its writes.</summary>
    public byte[] Bytes => _bytes
        ?? throw new InvalidOperationException($"{Connection.Name} does not record its writes' bytes ({nameof(SimConnection.RecordWrites)} is off)");

    /// <summary>How many bytes the write carries.</summary>
    public int Length { get; }

    public int BufferCount { get; }

    /// <summary>The completion status, or null while the write is in flight.</summary>
    public int? Status { get; internal set; }

    /// <summary>The status drawn at submission for the write's automatic completion.</summary>
    internal int AutomaticStatus { get; set; }

    /// <summary>When the write's automatic completion is due, in virtual µs; null for a write the spec completes, or once completed.</summary>
    internal long? DueAt { get; set; }

    /// <summary>An injected fault holds the write in flight (a stalled reader) until its time or until faults stop.</summary>
    internal bool HeldByFault { get; set; }

    /// <summary>How many times the completion was queued again (faults stopped); an older queued completion is stale.</summary>
    internal int Rescheduled { get; set; }

    /// <summary>Completes this write with <paramref name="status"/> (0, or ECONNRESET, EPIPE, ECANCELED...) as the next event.</summary>
    public void Complete(int status = 0) => Connection.CompleteLater(this, status);

    /// <summary>
    /// Completes this write with <paramref name="status"/> at virtual time <paramref name="atMicros"/> (now, if that
    /// has passed), for a write held in flight (<see cref="SimConnection.HoldWrites"/>): a replay gives each write
    /// its recorded completion. A stream's writes complete in order, so a later write must not be given an earlier
    /// time. A write that completed before its time (cancelled by the close) is left as it is.
    /// </summary>
    public void CompleteAt(long atMicros, int status = 0) => Connection.CompleteAt(this, atMicros, status);

    /// <summary>The engine's buffers, which stay its own until the write's callback.</summary>
    internal ReadOnlySpan<UvBuffer> Buffers => _buffers;

    /// <summary>Whether the buffers, read in place now, still hold <paramref name="submitted"/>, the copy taken at submission.</summary>
    internal bool BuffersUnchanged(ReadOnlySpan<byte> submitted)
    {
        var offset = 0;
        foreach (var buffer in _buffers)
        {
            if (!buffer.AsSpan().SequenceEqual(submitted.Slice(offset, buffer.Length)))
            {
                return false;
            }

            offset += buffer.Length;
        }

        return true;
    }
}
