using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Snapshots;

/// <summary>
/// The behaviour suite: the engine behaviour that matters, each case small (one or two connections, a few
/// requests) so its summary reads in a minute. An <c>http</c> case starts from a quiet world, every fault and
/// client oddity off, and turns on only what it pins; limits and sizes are still drawn from its seed. Each
/// seed is the first that reaches the case's coverage rows and passes.
/// </summary>
internal static class BehaviourSuite
{
    // Every fault and client oddity the http scenario would otherwise draw, off; one loop, no jitter.
    private static readonly string[] Quiet =
    [
        "loops", "stop-at", "write-delay", "write-hold", "write-fail", "fragment", "coalesce", "zero-read", "accept-error", "jitter", "late-timer",
        "pipeline", "expect-continue", "http10", "close", "half-close", "client-reset", "client-eof", "malformed", "stall", "stop-reading", "idle", "app-faults", "slow",
    ];

    public static SnapshotSuite Suite { get; } = new("behaviour", "the engine's behaviour, pinned case by case",
    [
        Case("keepalive-small", "the seed's SocketOutput scenario: two keep-alive clients, two small responses each, writes completing in order", "keepalive", 1, [], ("connections", 2), ("requests", 2), ("bytes", 100)),
        Case("backpressure-slow-reader", "responses to a reader whose writes complete late or are held: writes queue up to the in-flight bound, wait for the socket, and are released", "http", 2, ["backpressure", "waiter-released", "write-held"], ("connections", 1), ("requests", 2), ("response-buffer", 65_536), ("write-delay", 1_000_000), ("write-hold", 500_000)),
        Case("write-failure", "injected uv_write failures break their connections", "http", 1, ["write-failed", "write-error"], ("connections", 2), ("requests", 2), ("write-fail", 500_000)),
        Case("shutdown-idle", "a graceful stop with only idle keep-alive connections open", "keepalive", 1, [], ("connections", 2), ("requests", 1), ("bytes", 10)),
        Case("shutdown-mid-request", "a graceful stop that begins while slow apps are still answering", "http", 10, ["stop-mid-flight", "slow-app"], ("connections", 2), ("requests", 2), ("stop-at", 1), ("slow", 1_000_000)),
        Case("shutdown-held-writes", "a graceful stop with a response's writes held in flight", "http", 2, ["stop-mid-flight", "write-held"], ("connections", 1), ("requests", 1), ("write-hold", 1_000_000), ("stop-at", 1)),
        Case("keepalive-timeout", "an idle keep-alive connection closed by the keep-alive timeout", "http", 2, ["keepalive-timeout"], ("connections", 1), ("requests", 2), ("idle", 1_000_000), ("keepalive-timeout", 1)),
        Case("headers-timeout", "a request head that stops arriving, answered 408", "http", 2, ["408"], ("connections", 1), ("requests", 1), ("idle", 1_000_000), ("headers-timeout", 1)),
        Case("chunked", "chunked request bodies in, chunked and flushed responses out", "http", 4, ["chunked-request"], ("connections", 1), ("requests", 3)),
        Case("expect-continue", "requests that wait for 100 Continue before sending their bodies", "http", 2, ["expect-continue", "continue-sent"], ("connections", 1), ("requests", 2), ("expect-continue", 1_000_000)),
        Case("pipelining", "requests sent before the previous response, several in one send", "http", 1, ["pipelined"], ("connections", 1), ("requests", 3), ("pipeline", 1_000_000), ("coalesce", 1_000_000)),
        Case("bad-requests", "malformed requests, each answered with its status and a clean close", "http", 1, ["malformed"], ("connections", 2), ("requests", 2), ("malformed", 1_000_000)),
    ]);

    private static SnapshotCase Case(string name, string description, string scenario, ulong seed, string[] covers, params (string Knob, long Value)[] settings)
    {
        var knobs = scenario == "http" ? Quiet.ToDictionary(knob => knob, knob => (long?)(knob == "loops" ? 1 : 0)) : [];
        foreach (var (knob, value) in settings)
        {
            knobs[knob] = value;
        }

        return new(name, description, new RunSpec(scenario, seed, knobs), covers);
    }
}
