using System.Text.Json;

namespace Testbed.Transports.Recording;

/// <summary>Writes the lines of a recording, each JSON followed by '\n': what <see cref="Recording.Read"/> reads.</summary>
public static class RecordingLines
{
    public static void WriteHeader(Stream stream, RecordingHeader header) => Write(stream, header, RecordingJson.Default.RecordingHeader);

    public static void WriteEvent(Stream stream, RecordedEvent recorded) => Write(stream, recorded, RecordingJson.Default.RecordedEvent);

    public static void WriteFooter(Stream stream, RecordingFooter footer) => Write(stream, footer, RecordingJson.Default.RecordingFooter);

    private static void Write<T>(Stream stream, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonSerializer.Serialize(stream, value, type);
        stream.WriteByte((byte)'\n');
    }
}
