using System.Globalization;
using System.Text;

namespace Testbed.Simulator.Clients;

/// <summary>One response as a simulated client parsed it off the wire.</summary>
public sealed record ParsedResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
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
public static class ResponseReader
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Parses one whole response at the start of <paramref name="data"/>; false when more bytes are needed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool headRequest, out ParsedResponse? response, out int consumed)
    {
        response = null;
        consumed = 0;
        var headLength = data.IndexOf(HeadEnd);
        if (headLength < 0)
        {
            return false;
        }

        var lines = Encoding.Latin1.GetString(data[..headLength]).Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        if (statusLine.Length < 2 || statusLine[0] != "HTTP/1.1" || statusLine[1].Length != 3)
        {
            throw Malformed($"bad status line '{lines[0]}'");
        }

        var status = int.Parse(statusLine[1], CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            headers.Add(ParseField(lines[i]));
        }

        var bodyStart = headLength + HeadEnd.Length;
        var parsed = new ParsedResponse(status, headers, []);
        if (status is < 200 or 204 or 304 || headRequest)
        {
            (response, consumed) = (parsed, bodyStart);
            return true;
        }

        if (parsed.Header("Transfer-Encoding") is { } te)
        {
            if (te != "chunked")
            {
                throw Malformed($"unexpected Transfer-Encoding '{te}'");
            }

            return TryReadChunked(data, bodyStart, parsed, out response, out consumed);
        }

        var length = int.Parse(parsed.Header("Content-Length") ?? throw new InvalidOperationException("response without framing"), CultureInfo.InvariantCulture);
        if (data.Length - bodyStart < length)
        {
            return false;
        }

        // Every byte is overwritten by the copy, so the array need not be cleared first.
        var body = GC.AllocateUninitializedArray<byte>(length);
        data.Slice(bodyStart, length).CopyTo(body);
        (response, consumed) = (parsed with { Body = body }, bodyStart + length);
        return true;
    }

    private static bool TryReadChunked(ReadOnlySpan<byte> data, int offset, ParsedResponse parsed, out ParsedResponse? response, out int consumed)
    {
        (response, consumed) = (null, 0);
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
                (response, consumed) = (parsed with { Body = [.. body] }, offset + 2);
                return true;
            }

            body.AddRange(data.Slice(offset, size));
            Require(data.Slice(offset + size, 2).SequenceEqual("\r\n"u8), "chunk not followed by CRLF");
            offset += size + 2;
        }
    }

    private static KeyValuePair<string, string> ParseField(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Malformed($"bad header line '{line}'");
        }

        return new(line[..colon], line[(colon + 1)..].Trim());
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
