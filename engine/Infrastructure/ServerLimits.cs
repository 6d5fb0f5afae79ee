namespace Testbed.Engine.Infrastructure;

/// <summary>Limits and timeouts. Defaults follow libuv-era Kestrel and RFC 9112 practice.</summary>
public sealed class ServerLimits
{
    /// <summary>Longest request line, CRLF included; longer gives 414.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>Largest header section (and trailer section), CRLFs included; larger gives 431.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Most header fields (and trailer fields); more gives 431.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Largest request body; larger gives 413. <c>null</c> means unlimited.</summary>
    public long? MaxRequestBodySize { get; set; } = 30_000_000;

    /// <summary>Buffered, unread request bytes at which the connection stops reading. <c>null</c> means unlimited.</summary>
    public long? MaxRequestBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Response bytes that may be accepted ("pre-completed") before the socket takes them.
    /// <c>null</c> means unlimited; 0 means every write waits for the socket.
    /// </summary>
    public long? MaxResponseBufferSize { get; set; } = 64 * 1024;

    /// <summary>Idle time between requests on a kept-alive connection before it is closed.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>Time to receive a whole request head once its first byte arrived; exceeded gives 408.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
