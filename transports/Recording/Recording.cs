using System.Text;
using System.Text.Json;

namespace Testbed.Transports.Recording;

/// <summary>
/// A whole recording in memory: its header, its events in the order they happened, and its footer (null when the
/// file was cut short). The file is JSON Lines (docs/record-replay.md): the header, one event a line, the footer.
/// </summary>
public sealed class Recording
{
    public Recording(RecordingHeader header, IReadOnlyList<RecordedEvent> events, RecordingFooter? footer)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(events);
        Header = header;
        Events = events;
        Footer = footer;
    }

    public RecordingHeader Header { get; }

    public IReadOnlyList<RecordedEvent> Events { get; }

    public RecordingFooter? Footer { get; }

    /// <summary>The connections in accept order, each with its events.</summary>
    public IReadOnlyList<IGrouping<int, RecordedEvent>> Connections =>
        [.. Events.GroupBy(e => e.Connection).OrderBy(c => c.Key)];

    /// <summary>Reads a recording; throws <see cref="RecordingFormatException"/> naming the line that is wrong.</summary>
    public static Recording Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a recording from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static Recording Read(Stream stream, string source)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var number = 0;
        RecordingHeader? header = null;
        RecordingFooter? footer = null;
        var events = new List<RecordedEvent>();
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (footer is not null)
            {
                throw new RecordingFormatException(source, number, "a line after the footer");
            }

            try
            {
                if (header is null)
                {
                    header = JsonSerializer.Deserialize(line, RecordingJson.Default.RecordingHeader)
                        ?? throw new RecordingFormatException(source, number, "the header is empty");
                    if (header.Format != RecordingHeader.CurrentFormat)
                    {
                        throw new RecordingFormatException(source, number, $"format '{header.Format}' is not {RecordingHeader.CurrentFormat}");
                    }

                    continue;
                }

                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("end", out _))
                {
                    footer = document.RootElement.Deserialize(RecordingJson.Default.RecordingFooter);
                    continue;
                }

                var recorded = document.RootElement.Deserialize(RecordingJson.Default.RecordedEvent)
                    ?? throw new RecordingFormatException(source, number, "an empty event");
                if (events.Count > 0 && recorded.Micros < events[^1].Micros)
                {
                    throw new RecordingFormatException(source, number, $"time {recorded.Micros} µs is before the line above ({events[^1].Micros} µs)");
                }

                events.Add(recorded);
            }
            catch (JsonException ex)
            {
                throw new RecordingFormatException(source, number, ex.Message);
            }
        }

        return new Recording(header ?? throw new RecordingFormatException(source, number, "no header: the file is empty"), events, footer);
    }

    /// <summary>Writes the recording as a file (an edited copy, say); <see cref="Load"/> reads it back as it was.</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        RecordingLines.WriteHeader(stream, Header);
        foreach (var recorded in Events)
        {
            RecordingLines.WriteEvent(stream, recorded);
        }

        if (Footer is not null)
        {
            RecordingLines.WriteFooter(stream, Footer);
        }
    }
}
