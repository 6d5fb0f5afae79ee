using System.Text.Json.Serialization;

namespace Testbed.Transports.Recording;

/// <summary>Source-generated JSON for the three kinds of line; one line each, no indentation.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(RecordingHeader))]
[JsonSerializable(typeof(RecordedEvent))]
[JsonSerializable(typeof(RecordingFooter))]
[JsonSerializable(typeof(RecordedKind))]
internal sealed partial class RecordingJson : JsonSerializerContext;
