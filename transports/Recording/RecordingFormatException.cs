namespace Testbed.Transports.Recording;

/// <summary>A recording file that cannot be read: the message names the file and the line.</summary>
public sealed class RecordingFormatException(string source, int line, string problem)
    : Exception($"{source}:{line}: {problem}")
{
    public string File { get; } = source;

    public int Line { get; } = line;
}
