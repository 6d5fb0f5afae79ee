using System.Globalization;
using System.Text;

namespace Testbed.Simulator.Clients;

/// <summary>One response as a simulated client parsed it off the wire.</summary>
public sealed record ParsedResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The status line's version: HTTP/1.1, or HTTP/1.0 when the server echoes an HTTP/1.0 request's.</summary>
    public string Version { get; init; } = "HTTP/1.1";

    /// <summary>The status line's reason phrase.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>The last field named <paramref name="name"/> (any case), or null.</summary>
    public string? Header(string name)
    {
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return Headers[i].Value;
            }
        }

        return null;
    }
}

/// <summary>
/// A client's incremental HTTP/1.1 response parser: Content-Length and chunked bodies, and no body for
/// 1xx, 204, 304 and answers to HEAD. Strict: anything malformed throws, since the server must never send it.
/// </summary>
internal static class ResponseReader
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Parses one whole response at the start of <paramref name="data"/>; false when more bytes are needed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool headRequest, out ParsedResponse? response, out int consumed)
    {
        if (!TryReadInPlace(data, headRequest, out var head, out var body, out consumed))
        {
            response = null;
            return false;
        }

        response = body.IsEmpty ? head : head! with { Body = body.ToArray() };
        return true;
    }

    /// <summary>
    /// Like <see cref="TryRead"/> without copying the body, for a client that only checks it: <paramref name="head"/>
    /// has an empty Body and <paramref name="body"/> is the body's bytes, a slice of <paramref name="data"/> (or, for
    /// a chunked body, which is not contiguous on the wire, the decoded chunks).
    /// </summary>
    public static bool TryReadInPlace(ReadOnlySpan<byte> data, bool headRequest, out ParsedResponse? head, out ReadOnlySpan<byte> body, out int consumed)
    {
        (head, consumed) = (null, 0);
        body = default;
        var headLength = data.IndexOf(HeadEnd);
        if (headLength < 0)
        {
            return false;
        }

        var parsed = ParseHead(data[..headLength]);
        var bodyStart = headLength + HeadEnd.Length;
        if (parsed.Status is < 200 or 204 or 304 || headRequest)
        {
            (head, consumed) = (parsed, bodyStart);
            return true;
        }

        if (parsed.Header("Transfer-Encoding") is { } te)
        {
            if (te != "chunked")
            {
                throw Malformed($"unexpected Transfer-Encoding '{te}'");
            }

            if (!TryReadChunked(data, bodyStart, out var decoded, out consumed))
            {
                return false;
            }

            head = parsed;
            body = decoded;
            return true;
        }

        var length = int.Parse(parsed.Header("Content-Length") ?? throw new InvalidOperationException("response without framing"), CultureInfo.InvariantCulture);
        if (data.Length - bodyStart < length)
        {
            return false;
        }

        (head, consumed) = (parsed, bodyStart + length);
        body = data.Slice(bodyStart, length);
        return true;
    }

    private const int FieldCacheSize = 32;
    private const int MaxCachedLine = 256;

    /// <summary>Header lines lately parsed on this thread, with their strings; a line maps to one slot by its length and ends.</summary>
    [ThreadStatic]
    private static (byte[] Line, KeyValuePair<string, string> Field)[]? _fields;

    /// <summary>Parses the head (without its final CRLFCRLF) field by field from the bytes: one string per name and value, none per line.</summary>
    internal static ParsedResponse ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        var status = ParseStatusLine(statusLine);
        var version = statusLine.StartsWith("HTTP/1.0"u8) ? "HTTP/1.0" : "HTTP/1.1";
        var reason = statusLine.Length <= 13 ? string.Empty : statusLine[13..].SequenceEqual("OK"u8) ? "OK" : Encoding.Latin1.GetString(statusLine[13..]);
        var headers = new List<KeyValuePair<string, string>>(head.Count("\r\n"u8));
        while (lineEnd >= 0)
        {
            head = head[(lineEnd + 2)..];
            lineEnd = head.IndexOf("\r\n"u8);
            headers.Add(ParseField(lineEnd < 0 ? head : head[..lineEnd]));
        }

        return new ParsedResponse(status, headers, []) { Version = version, Reason = reason };
    }

    /// <summary>"HTTP/1.1 NNN ..." (or HTTP/1.0, to an HTTP/1.0 request): the version, then a three-character code up to the next space.</summary>
    private static int ParseStatusLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        var afterVersion = firstSpace < 0 ? [] : line[(firstSpace + 1)..];
        var secondSpace = afterVersion.IndexOf((byte)' ');
        var code = secondSpace < 0 ? afterVersion : afterVersion[..secondSpace];
        if (firstSpace < 0 || !(line[..firstSpace].SequenceEqual("HTTP/1.1"u8) || line[..firstSpace].SequenceEqual("HTTP/1.0"u8)) || code.Length != 3)
        {
            throw Malformed($"bad status line '{Encoding.Latin1.GetString(line)}'");
        }

        return int.Parse(code, CultureInfo.InvariantCulture);
    }

    private static bool TryReadChunked(ReadOnlySpan<byte> data, int offset, out byte[] decoded, out int consumed)
    {
        (decoded, consumed) = ([], 0);
        var body = new List<byte>();
        while (true)
        {
            var lineLength = data[offset..].IndexOf("\r\n"u8);
            if (lineLength < 0)
            {
                return false;
            }

            var size = int.Parse(Encoding.Latin1.GetString(data.Slice(offset, lineLength)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            offset += lineLength + 2;
            if (data.Length - offset < size + 2)
            {
                return false;
            }

            if (size == 0)
            {
                // No trailers from this server: the last chunk is followed directly by the final CRLF.
                Require(data.Slice(offset, 2).SequenceEqual("\r\n"u8), "chunked body not terminated by CRLF");
                (decoded, consumed) = ([.. body], offset + 2);
                return true;
            }

            body.AddRange(data.Slice(offset, size));
            Require(data.Slice(offset + size, 2).SequenceEqual("\r\n"u8), "chunk not followed by CRLF");
            offset += size + 2;
        }
    }

    private static KeyValuePair<string, string> ParseField(ReadOnlySpan<byte> line)
    {
        // A client reads the same few fields in every response: the strings of a line seen lately are reused.
        var cache = _fields ??= new (byte[] Line, KeyValuePair<string, string> Field)[FieldCacheSize];
        ref var slot = ref cache[(line.Length + (line.IsEmpty ? 0 : line[0] + (31 * line[^1]))) & (FieldCacheSize - 1)];
        if (slot.Line is { } seen && line.SequenceEqual(seen))
        {
            return slot.Field;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw Malformed($"bad header line '{Encoding.Latin1.GetString(line)}'");
        }

        var field = new KeyValuePair<string, string>(Encoding.Latin1.GetString(line[..colon]), Encoding.Latin1.GetString(line[(colon + 1)..]).Trim());
        if (line.Length <= MaxCachedLine)
        {
            slot = (line.ToArray(), field);
        }

        return field;
    }

    /// <summary>For fixed messages; a message built from the input is only built once it is known to be needed.</summary>
    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Malformed(message);
        }
    }

    private static InvalidOperationException Malformed(string message) => new("malformed response: " + message);
}
