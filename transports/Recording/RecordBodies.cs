namespace Testbed.Transports.Recording;

/// <summary>How much of the bytes a recording keeps (<c>--record-bodies</c>); docs/record-replay.md says what each holds.</summary>
public enum RecordBodies
{
    /// <summary>No payload at all: each read and write as its byte count and hash. Shows timing; cannot be replayed.</summary>
    None,

    /// <summary>The bytes each connection read (a replay needs them); what the server wrote as counts and hashes only.</summary>
    Hash,

    /// <summary>Every byte read and written, so a divergence is located to the byte and can be shown.</summary>
    Full,
}
