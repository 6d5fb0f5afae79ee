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

    /// <summary>
    /// Connections open at once, across loops; one over it is accepted and closed at once, unanswered, so the
    /// server never runs out of descriptors for the ones it serves. <c>null</c> means unlimited.
    /// </summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>Idle time between requests on a kept-alive connection before it is closed.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>Time to receive a whole request head once its first byte arrived; exceeded gives 408.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The slowest a request body may arrive while the app waits for it (Kestrel's default: 240 bytes/s after
    /// 5 s). Only time spent waiting counts, from the first read on; slower gets 408 if the response has not
    /// started, and an abort if it has. <c>null</c> turns the check off.
    /// </summary>
    public MinDataRate? MinRequestBodyDataRate { get; set; } = new(240, TimeSpan.FromSeconds(5));

    /// <summary>
    /// The slowest a peer may take a response while the socket refuses more (the peer's buffers are full): after
    /// the grace period the connection is aborted. A peer that stops reading altogether is cut off within the
    /// grace period and one heartbeat. <c>null</c> turns the check off.
    /// </summary>
    public MinDataRate? MinResponseDataRate { get; set; } = new(240, TimeSpan.FromSeconds(5));
}
