namespace Testbed.Engine.Http;

/// <summary>Formats the chunk-size line that precedes each chunk of a chunked response.</summary>
internal static class ChunkPrefix
{
    /// <summary>Writes the size in hex followed by CRLF; returns the bytes written (at most 18).</summary>
    public static int Format(int size, Span<byte> destination)
    {
        size.TryFormat(destination, out var written, "x");
        destination[written++] = (byte)'\r';
        destination[written++] = (byte)'\n';
        return written;
    }
}
