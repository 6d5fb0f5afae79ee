using System.Text.Json.Serialization;

namespace Testbed.Transports.Recording;

/// <summary>What happened on a connection. The client's side (reads, EOF, read errors) is what a replay plays back;
/// the server's side (writes, shutdowns, closes) is what it compares.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecordedKind>))]
public enum RecordedKind
{
    /// <summary>The server accepted the connection, on loop <see cref="RecordedEvent.Loop"/>.</summary>
    [JsonStringEnumMemberName("accept")]
    Accept,

    /// <summary>A read of <see cref="RecordedEvent.Count"/> bytes.</summary>
    [JsonStringEnumMemberName("read")]
    Read,

    /// <summary>The client's FIN (the read callback's UV_EOF).</summary>
    [JsonStringEnumMemberName("eof")]
    Eof,

    /// <summary>A read failed with <see cref="RecordedEvent.Status"/> (ECONNRESET, ...).</summary>
    [JsonStringEnumMemberName("read-error")]
    ReadError,

    /// <summary>A uv_write of <see cref="RecordedEvent.Count"/> bytes was submitted.</summary>
    [JsonStringEnumMemberName("write")]
    Write,

    /// <summary>uv_write <see cref="RecordedEvent.Write"/> completed with <see cref="RecordedEvent.Status"/>.</summary>
    [JsonStringEnumMemberName("write-done")]
    WriteDone,

    /// <summary>uv_shutdown was submitted (the server's FIN after its queued writes).</summary>
    [JsonStringEnumMemberName("shutdown")]
    Shutdown,

    /// <summary>The shutdown completed with <see cref="RecordedEvent.Status"/>.</summary>
    [JsonStringEnumMemberName("shutdown-done")]
    ShutdownDone,

    /// <summary>The server closed the connection's handle.</summary>
    [JsonStringEnumMemberName("close")]
    Close,
}
