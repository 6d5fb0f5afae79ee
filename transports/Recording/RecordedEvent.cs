using System.Text.Json.Serialization;

namespace Testbed.Transports.Recording;

/// <summary>
/// One line of a recording after its header: something that happened on connection <see cref="Connection"/>
/// (1, 2, ... in accept order) at <see cref="Micros"/> µs after the server started. Only the fields of its kind are set.
/// </summary>
public sealed record RecordedEvent
{
    [JsonPropertyName("t")]
    public required long Micros { get; init; }

    [JsonPropertyName("k")]
    public required RecordedKind Kind { get; init; }

    [JsonPropertyName("c")]
    public required int Connection { get; init; }

    /// <summary>Accept: the loop (0-based, in start order) whose listen socket took the connection.</summary>
    [JsonPropertyName("loop")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Loop { get; init; }

    /// <summary>Read and write: the byte count.</summary>
    [JsonPropertyName("n")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Count { get; init; }

    /// <summary>Write and write-done: the connection's write number, 1, 2, ... in submit order.</summary>
    [JsonPropertyName("w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Write { get; init; }

    /// <summary>Read error, write-done, shutdown-done: the libuv status (0, or a negative errno).</summary>
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Status { get; init; }

    /// <summary>
    /// Write: XxHash64 (hex) of everything the connection was written up to and including this write, so two
    /// outputs cut into writes differently still compare at each of the recording's write boundaries.
    /// Read (with <see cref="RecordBodies.None"/> only): XxHash64 of the read's bytes.
    /// </summary>
    [JsonPropertyName("h")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hash { get; init; }

    /// <summary>The bytes (base64 in the file): a read's unless bodies are <see cref="RecordBodies.None"/>, a write's only with <see cref="RecordBodies.Full"/>.</summary>
    [JsonPropertyName("b")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Bytes { get; init; }
}
