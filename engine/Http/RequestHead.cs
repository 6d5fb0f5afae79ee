using System.Text;
using Testbed.Engine.Http.Parsing;

namespace Testbed.Engine.Http;

/// <summary>
/// A parsed and validated request line and header section, with the message framing already decided
/// (RFC 9112 §6): the rest of the engine never re-reads framing headers. One lives as long as its connection
/// and is filled again for each request; a target or header line whose bytes equal the previous request's
/// keeps that request's string, so a client repeating itself costs no strings.
/// </summary>
internal sealed class RequestHead
{
    private TargetForm _form;

    public string Method { get; private set; } = string.Empty;

    /// <summary>The request-target exactly as sent (origin-form, absolute-form, authority-form or "*").</summary>
    public string Target { get; private set; } = string.Empty;

    /// <summary>The path of the target, still percent-encoded as sent; "*" for asterisk-form.</summary>
    public string Path { get; private set; } = string.Empty;

    /// <summary>The query including its leading '?', or empty.</summary>
    public string QueryString { get; private set; } = string.Empty;

    public HttpVersion Version { get; private set; }

    public HeaderCollection Headers { get; } = new();

    /// <summary>The body length from Content-Length; null when chunked or when there is no body.</summary>
    public long? ContentLength { get; private set; }

    /// <summary>True when Transfer-Encoding ends in chunked.</summary>
    public bool IsChunked { get; private set; }

    /// <summary>Whether the client allows the connection to stay open after this request (version and Connection).</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>HTTP/1.1 with <c>Expect: 100-continue</c>.</summary>
    public bool ExpectContinue { get; private set; }

    public bool IsHead => Method == "HEAD";

    /// <summary>Takes the strings of a request line that <see cref="RequestLineParser.Parse"/> accepted.</summary>
    public void SetRequestLine(ReadOnlySpan<byte> line, in RequestLine parsed)
    {
        Method = KnownStrings.Method(line[..parsed.MethodLength]);
        Version = parsed.Version;
        var target = line[parsed.Target];
        if (parsed.Form != _form || !Ascii.Equals(target, Target))
        {
            (Target, Path, QueryString) = RequestLineParser.MaterializeTarget(line, parsed);
            _form = parsed.Form;
        }
    }

    /// <summary>Takes the framing the header section decided.</summary>
    public void SetFraming(in Framing framing)
    {
        ContentLength = framing.ContentLength;
        IsChunked = framing.IsChunked;
        KeepAlive = framing.KeepAlive;
        ExpectContinue = framing.ExpectContinue;
    }
}
