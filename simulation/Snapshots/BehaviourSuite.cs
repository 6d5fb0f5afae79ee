using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Snapshots;

/// <summary>
/// The behaviour suite: the engine behaviour that matters, each case small (one to three connections, a few
/// requests) so its summary reads in a minute. Knobs a case does not set are drawn from its seed, as in any
/// run; each seed was picked as the first to reach the case's coverage rows and pass.
/// </summary>
public static class BehaviourSuite
{
    public static SnapshotSuite Suite { get; } = new("behaviour", "the engine's behaviour, pinned case by case",
    [
        Case("keepalive-small", "the seed's SocketOutput scenario: two keep-alive clients, two small responses each, writes completing in order", "keepalive", 1, [], ("connections", 2), ("requests", 2), ("bytes", 100)),
        Case("backpressure-slow-reader", "a large response to a reader whose writes are held: writes wait for the socket, then are released", "http", 2, ["backpressure", "waiter-released", "write-held"], ("connections", 1), ("requests", 2), ("response-buffer", 1024), ("write-hold", 500_000)),
        Case("write-failure", "injected uv_write failures break their connections", "http", 1, ["write-failed", "write-error"], ("connections", 2), ("requests", 2), ("write-fail", 500_000)),
        Case("shutdown-idle", "a graceful stop with only idle keep-alive connections open", "keepalive", 1, [], ("connections", 2), ("requests", 1), ("bytes", 10)),
        Case("shutdown-mid-request", "a graceful stop that begins while slow apps are still answering", "http", 10, ["stop-mid-flight", "slow-app"], ("connections", 2), ("requests", 2), ("stop-at", 1), ("slow", 1_000_000)),
        Case("shutdown-held-writes", "a graceful stop with a response's writes held in flight", "http", 3, ["stop-mid-flight", "write-held"], ("connections", 1), ("requests", 1), ("write-hold", 1_000_000), ("stop-at", 1)),
        Case("keepalive-timeout", "an idle keep-alive connection closed by the keep-alive timeout", "http", 2, ["keepalive-timeout"], ("connections", 1), ("requests", 2), ("idle", 1_000_000), ("keepalive-timeout", 1)),
        Case("headers-timeout", "a request head that stops arriving, answered 408", "http", 7, ["408"], ("connections", 1), ("requests", 1), ("idle", 1_000_000), ("headers-timeout", 1)),
        Case("chunked", "chunked request bodies in, chunked and flushed responses out", "http", 2, ["chunked-request"], ("connections", 1), ("requests", 3)),
        Case("expect-continue", "requests that wait for 100 Continue before sending their bodies", "http", 14, ["expect-continue", "continue-sent"], ("connections", 1), ("requests", 2), ("expect-continue", 1_000_000)),
        Case("pipelining", "requests sent before the previous response, several in one read", "http", 5, ["pipelined", "reads-coalesced"], ("connections", 1), ("requests", 3), ("pipeline", 1_000_000), ("coalesce", 1_000_000)),
        Case("bad-requests", "malformed requests, each answered with its status and a clean close", "http", 1, ["malformed"], ("connections", 2), ("requests", 2), ("malformed", 1_000_000)),
    ]);

    private static SnapshotCase Case(string name, string description, string scenario, ulong seed, string[] covers, params (string Knob, long Value)[] settings) =>
        new(name, description, new RunSpec(scenario, seed, settings.ToDictionary(s => s.Knob, s => (long?)s.Value)), covers);
}
