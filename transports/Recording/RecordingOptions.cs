namespace Testbed.Transports.Recording;

/// <summary>What to record and where (<c>testbed serve --record</c>, or <c>UseNativeLibuv().RecordTo(...)</c>).</summary>
public sealed class RecordingOptions
{
    /// <summary>The file to write; created, or truncated if it exists.</summary>
    public required string Path { get; init; }

    /// <summary>How much of the bytes to keep; the default keeps what was read and hashes what was written.</summary>
    public RecordBodies Bodies { get; init; } = RecordBodies.Hash;

    /// <summary>
    /// A cap on the file's size in bytes (null: none). The event that would cross it is not written, nor any
    /// after it; the footer (under 150 bytes) then says <see cref="RecordingFooter.Truncated"/>.
    /// </summary>
    public long? MaxBytes { get; init; }

    /// <summary>Events that may wait for the writer; when it falls this far behind, events are dropped, never waited for.</summary>
    public int QueueCapacity { get; init; } = RecordingWriter.DefaultQueueCapacity;

    /// <summary>Bytes (of reads and writes kept) that may wait for the writer; past it, events are dropped the same way.</summary>
    public long QueueBytes { get; init; } = RecordingWriter.DefaultQueueBytes;

    /// <summary>The caller's own settings for the header ("App" = "builtin", "Root" = ...), beside the server's.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Called once the footer is written and the file closed, with the finished writer's counts.</summary>
    public Action<RecordingWriter>? Completed { get; init; }
}
