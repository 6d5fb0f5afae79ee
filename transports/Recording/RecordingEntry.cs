namespace Testbed.Transports.Recording;

/// <summary>
/// One event as a loop thread hands it to <see cref="RecordingWriter.TryAdd"/>: a value, so handing it over
/// allocates nothing. The writer stamps its time and turns it into a <see cref="RecordedEvent"/> on its own
/// thread, keeping of the fields only those of the kind (<see cref="Loop"/> for an accept; <see cref="Count"/> for
/// a read or write; <see cref="Write"/> for a write or write-done; <see cref="Status"/> for a read error,
/// write-done or shutdown-done).
/// </summary>
public readonly struct RecordingEntry(RecordedKind kind, int connection)
{
    public RecordedKind Kind { get; } = kind;

    public int Connection { get; } = connection;

    public int Loop { get; init; }

    public int Count { get; init; }

    public int Write { get; init; }

    public int Status { get; init; }

    /// <summary>The value of <see cref="RecordedEvent.Hash"/>, written as 16 hex digits (as <see cref="OutputHash"/> does).</summary>
    public ulong? Hash { get; init; }

    /// <summary>A copy the writer may keep: the caller must not reuse the array.</summary>
    public byte[]? Bytes { get; init; }
}
