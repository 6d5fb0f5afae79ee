using Testbed.Engine.Http;

namespace Testbed.Engine.App;

/// <summary>The request line, headers and body stream.</summary>
public sealed class HttpRequest
{
    private readonly RequestHead _head;

    internal HttpRequest(RequestHead head, Stream body)
    {
        _head = head;
        Body = body;
    }

    public string Method => _head.Method;

    /// <summary>The request-target exactly as sent.</summary>
    public string Target => _head.Target;

    /// <summary>The path, still percent-encoded as sent.</summary>
    public string Path => _head.Path;

    /// <summary>The query with its leading '?', or empty.</summary>
    public string QueryString => _head.QueryString;

    public HttpVersion Version => _head.Version;

    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public string Protocol => _head.Version == HttpVersion.Http11 ? "HTTP/1.1" : "HTTP/1.0";

    public HeaderCollection Headers => _head.Headers;

    /// <summary>The declared body length, or null for a chunked body or none.</summary>
    public long? ContentLength => _head.ContentLength;

    /// <summary>
    /// The request body, already de-chunked. Reading it first sends <c>100 Continue</c> when the client asked
    /// for it and the response has not started.
    /// </summary>
    public Stream Body { get; }
}
