using System.Text;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http.Parsing;

/// <summary>How the body of a request is delimited and whether the connection may be reused.</summary>
internal readonly record struct Framing(long? ContentLength, bool IsChunked, bool KeepAlive, bool ExpectContinue);

/// <summary>
/// Collects the fields that decide framing and connection handling (Host, Content-Length, Transfer-Encoding,
/// Connection, Expect) in one pass over the header lines, then applies RFC 9112 §3.2, §6 and §9.3.
/// Every ambiguity a front end could resolve differently is a 400, because that is where smuggling lives.
/// </summary>
internal struct FramingRules(HttpVersion version, TargetForm form)
{
    private int _hostCount;
    private long? _contentLength;
    private bool _hasTransferEncoding;
    private int _chunkedCount;
    private bool _close;
    private bool _keepAlive;
    private bool _expectContinue;

    /// <summary>Looks at one validated field; throws as soon as a field alone makes the request invalid.</summary>
    public void Observe(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 4 when Ascii.EqualsIgnoreCase(name, "host"u8):
                ObserveHost(value);
                break;
            case 6 when Ascii.EqualsIgnoreCase(name, "expect"u8):
                _expectContinue |= ListContains(value, "100-continue"u8);
                break;
            case 10 when Ascii.EqualsIgnoreCase(name, "connection"u8):
                _close |= ListContains(value, "close"u8);
                _keepAlive |= ListContains(value, "keep-alive"u8);
                break;
            case 14 when Ascii.EqualsIgnoreCase(name, "content-length"u8):
                ObserveContentLength(value);
                break;
            case 17 when Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8):
                ObserveTransferEncoding(value);
                break;
        }
    }

    /// <summary>Decides framing once every field has been observed.</summary>
    public readonly Framing Decide(ServerLimits limits)
    {
        // RFC 9112 §3.2: an HTTP/1.1 request without Host MUST get a 400.
        if (_hostCount == 0 && version == HttpVersion.Http11)
        {
            throw Bad("Missing Host header");
        }

        if (_hasTransferEncoding)
        {
            // RFC 9112 §6.1: a request with both is a smuggling attempt or a broken client; reject it.
            if (_contentLength is not null)
            {
                throw Bad("Content-Length and Transfer-Encoding are both present");
            }

            // RFC 9112 §6.3: if chunked is not the final coding the length cannot be determined: 400.
            if (_chunkedCount != 1)
            {
                throw Bad("Transfer-Encoding must end in chunked");
            }
        }

        if (_contentLength > limits.MaxRequestBodySize)
        {
            throw new BadHttpRequestException(413, "Request body too large");
        }

        // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing; the message is
        // processed but the connection MUST be closed after it.
        bool keepAlive = version == HttpVersion.Http11
            ? !_close
            : _keepAlive && !_close && !_hasTransferEncoding;
        return new(_contentLength, _hasTransferEncoding, keepAlive, _expectContinue && version == HttpVersion.Http11);
    }

    private void ObserveHost(ReadOnlySpan<byte> value)
    {
        if (++_hostCount > 1)
        {
            throw Bad("Multiple Host headers");
        }

        // RFC 9112 §3.2.2: with an absolute-form target the Host field is ignored, so it is not judged either.
        if (form != TargetForm.Absolute && !HostRules.IsValidHostAndPort(value, requirePort: false))
        {
            throw Bad("Invalid Host header");
        }
    }

    /// <summary>
    /// 1*DIGIT, or a list of identical values (RFC 9110 §8.6 allows collapsing "42, 42"). Values that
    /// differ, signs, blanks and overflow are all 400.
    /// </summary>
    private void ObserveContentLength(ReadOnlySpan<byte> value)
    {
        foreach (var range in value.Split((byte)','))
        {
            var element = HttpCharacters.TrimWhitespace(value[range]);
            long parsed = ParseDecimal(element);
            if (_contentLength is long previous && previous != parsed)
            {
                throw Bad("Conflicting Content-Length values");
            }

            _contentLength = parsed;
        }
    }

    /// <summary>
    /// The only coding implemented is chunked, so every other coding (identity included, RFC 9112 removed
    /// it) is a 400, as is chunked applied twice. Empty list elements are ignored (RFC 9110 §5.6.1).
    /// </summary>
    private void ObserveTransferEncoding(ReadOnlySpan<byte> value)
    {
        _hasTransferEncoding = true;
        foreach (var range in value.Split((byte)','))
        {
            var coding = HttpCharacters.TrimWhitespace(value[range]);
            if (coding.IsEmpty)
            {
                continue;
            }

            if (!Ascii.EqualsIgnoreCase(coding, "chunked"u8))
            {
                throw Bad("Unsupported transfer coding");
            }

            _chunkedCount++;
        }
    }

    private static long ParseDecimal(ReadOnlySpan<byte> digits)
    {
        if (!HttpCharacters.IsDigits(digits))
        {
            throw Bad("Invalid Content-Length");
        }

        long result = 0;
        foreach (byte b in digits)
        {
            int digit = b - '0';
            if (result > (long.MaxValue - digit) / 10)
            {
                throw Bad("Content-Length overflow");
            }

            result = (result * 10) + digit;
        }

        return result;
    }

    /// <summary>Whether a comma-separated list holds <paramref name="token"/>, compared case-insensitively.</summary>
    private static bool ListContains(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(HttpCharacters.TrimWhitespace(value[range]), token))
            {
                return true;
            }
        }

        return false;
    }

    private static BadHttpRequestException Bad(string reason) => new(400, reason);
}
