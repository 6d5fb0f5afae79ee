namespace Testbed.Simulator.Runs;

/// <summary>
/// The "sometimes" assertions of a run (FoundationDB's BUGGIFY coverage, Antithesis's sometimes): which faults
/// actually happened and which engine paths were actually taken. A sweep counts the share of seeds that reached
/// each; a row at 0 means the sweep is not exploring what it claims to.
/// </summary>
public static class Coverage
{
    /// <summary>Faults of the world, the clients and the apps.</summary>
    public static IReadOnlyList<(string Name, string Description)> Faults { get; } =
    [
        ("write-delayed", "a uv_write completed late"),
        ("write-held", "a uv_write was held in flight (a stalled reader)"),
        ("write-failed", "a uv_write failed and broke the connection"),
        ("send-fragmented", "the network cut a client's send into pieces"),
        ("reads-coalesced", "one read took several sends"),
        ("zero-read", "an empty read"),
        ("accept-failed", "an accept failed first"),
        ("scheduler-jitter", "the scheduler delayed a work item"),
        ("timer-late", "a libuv timer fired late"),
        ("loops", "more than one loop"),
        ("tiny-budget", "MaxResponseBufferSize of 0 or 1"),
        ("tiny-request-buffer", "MaxRequestBufferSize under 64 KiB"),
        ("pipelined", "several requests in one send"),
        ("expect-continue", "a request waited for 100 Continue"),
        ("http10", "an HTTP/1.0 request"),
        ("chunked-request", "a chunked request body"),
        ("client-reset", "a client reset mid-request or mid-response"),
        ("client-eof", "a client half-closed inside a request"),
        ("half-close", "a client half-closed after its last request"),
        ("malformed", "a malformed request"),
        ("idle", "an idle stretch before a request or inside its head"),
        ("stall", "a client's request body went quiet for good"),
        ("trickle", "a client trickled its request body, 10 bytes a second"),
        ("stop-reading", "a client stopped reading a response for good"),
        ("fd-limit", "the server's sockets reached the descriptor limit"),
        ("app-fault", "an app threw or broke its Content-Length"),
        ("slow-app", "an app awaited a virtual delay"),
    ];

    /// <summary>Engine paths.</summary>
    public static IReadOnlyList<(string Name, string Description)> Paths { get; } =
    [
        ("backpressure", "a write waited for the socket (backpressure engaged)"),
        ("waiter-released", "a waiting write was released as the socket caught up"),
        ("write-error", "the engine saw a write fail"),
        ("abort", "a connection was aborted"),
        ("continue-sent", "100 Continue was sent"),
        ("input-paused", "reading paused at MaxRequestBufferSize"),
        ("408", "a request-headers timeout answered 408"),
        ("keepalive-timeout", "the keep-alive timeout closed an idle connection"),
        ("stop-mid-flight", "a graceful stop began with a request in flight"),
        ("accept-paused", "accepting paused out of descriptors, and resumed"),
        ("over-connection-limit", "a connection was closed unanswered at MaxConcurrentConnections"),
        ("response-too-slow", "a reader slower than MinResponseDataRate was aborted"),
        ("body-too-slow", "a body slower than MinRequestBodyDataRate timed out"),
    ];

    /// <summary>Every row, faults first.</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } = [.. Faults, .. Paths];
}
