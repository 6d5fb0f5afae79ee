namespace Testbed.Engine.Http;

/// <summary>
/// A parsed and validated request line and header section, with the message framing already decided
/// (RFC 9112 §6): the rest of the engine never re-reads framing headers.
/// </summary>
internal sealed class RequestHead
{
    public required string Method { get; init; }

    /// <summary>The request-target exactly as sent (origin-form, absolute-form, authority-form or "*").</summary>
    public required string Target { get; init; }

    /// <summary>The path of the target, still percent-encoded as sent; "*" for asterisk-form.</summary>
    public required string Path { get; init; }

    /// <summary>The query including its leading '?', or empty.</summary>
    public required string QueryString { get; init; }

    public required HttpVersion Version { get; init; }

    public required HeaderCollection Headers { get; init; }

    /// <summary>The body length from Content-Length; null when chunked or when there is no body.</summary>
    public long? ContentLength { get; init; }

    /// <summary>True when Transfer-Encoding ends in chunked.</summary>
    public bool IsChunked { get; init; }

    /// <summary>Whether the client allows the connection to stay open after this request (version and Connection).</summary>
    public bool KeepAlive { get; init; }

    /// <summary>HTTP/1.1 with <c>Expect: 100-continue</c>.</summary>
    public bool ExpectContinue { get; init; }

    public bool IsHead => Method == "HEAD";
}
