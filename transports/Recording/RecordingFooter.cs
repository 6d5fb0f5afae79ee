using System.Text.Json.Serialization;

namespace Testbed.Transports.Recording;

/// <summary>
/// The last line, written at stop. A recording without one was cut short (the process died); one with
/// <see cref="Dropped"/> is complete only up to its first drop (<see cref="FirstDropped"/>), one <see cref="Truncated"/> up to its last event.
/// </summary>
public sealed record RecordingFooter
{
    [JsonPropertyName("end")]
    public required long Micros { get; init; }

    [JsonPropertyName("events")]
    public required long Events { get; init; }

    /// <summary>Events not recorded because the writer fell behind (the loops never wait for it).</summary>
    [JsonPropertyName("dropped")]
    public long Dropped { get; init; }

    /// <summary>When the first event was dropped (µs), if one was: the recording is complete only up to here.</summary>
    [JsonPropertyName("firstDropped")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? FirstDropped { get; init; }

    /// <summary>The size cap was reached; nothing after it was recorded.</summary>
    [JsonPropertyName("truncated")]
    public bool Truncated { get; init; }
}
