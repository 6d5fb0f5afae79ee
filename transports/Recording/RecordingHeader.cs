using System.Text.Json.Serialization;

namespace Testbed.Transports.Recording;

/// <summary>The first line of a recording: the format, when the server started, what is kept, and how it was configured.</summary>
public sealed record RecordingHeader
{
    /// <summary>The only format this code reads and writes; a reader refuses any other.</summary>
    public const string CurrentFormat = "testbed-recording/1";

    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>The wall-clock time of µs 0 (UTC): a replay starts its virtual clock here, so Date headers match.</summary>
    [JsonPropertyName("started")]
    public required DateTimeOffset Started { get; init; }

    [JsonPropertyName("bodies")]
    [JsonConverter(typeof(JsonStringEnumConverter<RecordBodies>))]
    public required RecordBodies Bodies { get; init; }

    /// <summary>Loop threads, each with its own listen socket.</summary>
    [JsonPropertyName("loops")]
    public required int Loops { get; init; }

    /// <summary>
    /// The server's configuration as configuration keys and values ("Limits:MaxRequestBufferSize" = "1048576",
    /// "App" = "builtin", "Root" = a directory...), enough for a replay to build the same server.
    /// </summary>
    [JsonPropertyName("settings")]
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
