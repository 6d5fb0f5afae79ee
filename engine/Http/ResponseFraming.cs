using System.Globalization;

namespace Testbed.Engine.Http;

/// <summary>
/// How a response's body is delimited, decided once when the head is produced. It adds the framing and
/// Connection headers it needs to <c>headers</c>.
/// </summary>
internal struct ResponseFraming
{
    /// <summary>Body bytes go on the wire (false for HEAD, 1xx, 204, 205, 304).</summary>
    public bool BodyAllowed;

    /// <summary>The engine wraps each write in a chunk and ends with the last-chunk.</summary>
    public bool AutoChunk;

    /// <summary>The Content-Length the app declared, enforced on writes.</summary>
    public long? DeclaredLength;

    public bool KeepAlive;

    public static ResponseFraming Decide(RequestHead request, int status, HeaderCollection headers, bool keepAlive, bool appCompleted)
    {
        var statusForbidsBody = status is < 200 or 204 or 205 or 304;
        var framing = new ResponseFraming
        {
            BodyAllowed = !statusForbidsBody && !request.IsHead,
            KeepAlive = keepAlive && !HasToken(headers["Connection"], "close"),
        };

        var contentLength = headers["Content-Length"];
        var transferEncoding = headers["Transfer-Encoding"];
        if (transferEncoding is not null)
        {
            // RFC 9112 §6.2: never both. The engine frames chunked itself; any other coding is close-delimited.
            headers.Remove("Content-Length");
            framing.AutoChunk = EndsWithChunked(transferEncoding) && request.Version == HttpVersion.Http11;
            framing.KeepAlive &= framing.AutoChunk;
            if (request.Version == HttpVersion.Http10)
            {
                // RFC 9112 §6.1: never to a 1.0 client. The body goes out unchunked until the close, so a
                // kept "chunked" would misframe it for anyone who honours the field.
                headers.Remove("Transfer-Encoding");
            }
        }
        else if (contentLength is not null)
        {
            // RFC 9110 §8.6: 1*DIGIT. The value goes on the wire as the app wrote it, so "+5", "-0" or
            // surrounding whitespace must not pass as a length the peer may parse differently or reject.
            framing.DeclaredLength = long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                ? length
                : throw new InvalidOperationException($"Invalid Content-Length response header '{contentLength}'.");
        }
        else if (!statusForbidsBody)
        {
            DecideUnknownLength(ref framing, request, headers, appCompleted);
        }

        AddConnectionHeader(framing.KeepAlive, request.Version, headers);
        return framing;
    }

    private static void DecideUnknownLength(ref ResponseFraming framing, RequestHead request, HeaderCollection headers, bool appCompleted)
    {
        if (appCompleted)
        {
            // Nothing was written and nothing will be; a HEAD response says nothing about the GET length.
            if (!request.IsHead)
            {
                headers["Content-Length"] = "0";
                framing.DeclaredLength = 0;
            }
        }
        else if (request.Version == HttpVersion.Http11)
        {
            headers["Transfer-Encoding"] = "chunked";
            framing.AutoChunk = true;
        }
        else
        {
            // HTTP/1.0 has no chunking: the body ends when the connection does.
            framing.KeepAlive = false;
        }
    }

    private static void AddConnectionHeader(bool keepAlive, HttpVersion version, HeaderCollection headers)
    {
        if (!keepAlive && !HasToken(headers["Connection"], "close"))
        {
            headers["Connection"] = "close";
        }
        else if (keepAlive && version == HttpVersion.Http10 && !headers.Contains("Connection"))
        {
            headers["Connection"] = "keep-alive";
        }
    }

    private static bool EndsWithChunked(string transferEncoding)
    {
        var last = transferEncoding.AsSpan();
        var comma = last.LastIndexOf(',');
        return last[(comma + 1)..].Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase);
    }

    private static bool HasToken(string? value, string token)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var part in value.Split(','))
        {
            if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
