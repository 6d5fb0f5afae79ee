using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// One uv_write the server submitted. With <see cref="SimulationOptions.VerifyWriteBuffers"/> (the default) its
/// bytes are copied at submission (what the engine asked to send), into the client's receive buffer where they
/// wait until the write completes, and compared with the buffers again at completion, since libuv may read the
/// buffers any time before its callback. Without it, they are copied into the receive buffer at completion.
/// While the connection records its writes, a copy taken at submission is also kept as <see cref="Bytes"/>.
/// </summary>
/// <remarks>
/// A write that nobody can hold on to (the connection neither records nor holds its writes) is reused for a
/// later write on the same connection once it has completed and no queued event refers to it any more: an
/// observer may use it only during the call that hands it over.
/// </remarks>
public sealed class MockWrite
{
    private UvBuffer[] _buffers = new UvBuffer[1];
    private byte[]? _bytes;

    internal MockWrite(SimConnection connection)
    {
        Connection = connection;
        Request = null!;
    }

    public SimConnection Connection { get; }

    public UvWriteReq Request { get; private set; }

    /// <summary>The bytes as they were when the write was submitted; only kept while the connection records its writes.</summary>
    public byte[] Bytes => _bytes
        ?? throw new InvalidOperationException($"{Connection.Name} does not record its writes' bytes ({nameof(SimConnection.RecordWrites)} is off)");

    /// <summary>How many bytes the write carries.</summary>
    public int Length { get; private set; }

    public int BufferCount { get; private set; }

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

    /// <summary>Completion events queued and not yet run: while any is, the write is not reused.</summary>
    internal int QueuedEvents { get; set; }

    /// <summary>Whether the write may be reused once done: nobody outside the mock can still hold it.</summary>
    internal bool Reusable { get; private set; }

    /// <summary>Completed and referred to by no queued event.</summary>
    internal bool Done => Status is not null && QueuedEvents == 0;

    /// <summary>Makes this the record of a new uv_write.</summary>
    internal void Start(UvWriteReq request, ReadOnlySpan<UvBuffer> buffers, int length, byte[]? recorded, bool reusable)
    {
        Simulation.Check(Status is not null || Request is null, "a write is reused only once it has completed");
        Simulation.Check(QueuedEvents == 0, "a write is reused only when no queued event refers to it");
        if (_buffers.Length < buffers.Length)
        {
            _buffers = new UvBuffer[Math.Max(buffers.Length, _buffers.Length * 2)];
        }

        buffers.CopyTo(_buffers);
        (Request, BufferCount, Length, Reusable) = (request, buffers.Length, length, reusable);
        Simulation.Check(recorded is null || recorded.Length == length, "a recorded write keeps all its bytes");
        _bytes = recorded;
        (Status, AutomaticStatus, DueAt, HeldByFault, Rescheduled) = (null, 0, null, false, 0);
    }

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
    internal ReadOnlySpan<UvBuffer> Buffers => _buffers.AsSpan(0, BufferCount);

    /// <summary>Whether the buffers, read in place now, still hold <paramref name="submitted"/>, the copy taken at submission.</summary>
    internal bool BuffersUnchanged(ReadOnlySpan<byte> submitted)
    {
        var offset = 0;
        foreach (var buffer in Buffers)
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
