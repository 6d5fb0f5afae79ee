namespace Testbed.Simulator.Faults;

/// <summary>
/// Every knob a run can set, by name. A scenario says which it uses and how each is drawn when a run does not
/// set it (<see cref="KnobDraw"/>); the CLI offers each as a flag.
/// </summary>
public static class Knobs
{
    private const long MiB = 1024 * 1024;

    // The shape of the traffic.
    public static readonly Knob Connections = new("connections", KnobUnit.Count, "Client connections", 1, 10_000);
    public static readonly Knob Requests = new("requests", KnobUnit.Count, "Requests per connection (most, where the scenario draws fewer)", 1, 10_000);
    public static readonly Knob ResponseBytes = new("bytes", KnobUnit.Bytes, "Bytes in each response body", 0, 16 * MiB);
    public static readonly Knob MaxEvents = new("max-events", KnobUnit.Count, "Events one phase of the run may take before it is declared not to settle", 1);

    // The server's world: loops, limits and timeouts.
    public static readonly Knob Loops = new("loops", KnobUnit.Count, "Loop threads, each with its own listen socket", 1, 16);
    public static readonly Knob ResponseBuffer = new("response-buffer", KnobUnit.Bytes, "MaxResponseBufferSize: response bytes accepted ahead of the socket", 0, 64 * MiB, canBeUnlimited: true);
    public static readonly Knob RequestBuffer = new("request-buffer", KnobUnit.Bytes, "MaxRequestBufferSize: unread request bytes at which reading pauses", 1, 64 * MiB, canBeUnlimited: true);
    public static readonly Knob RequestLine = new("request-line", KnobUnit.Bytes, "MaxRequestLineSize: longest request line", 64, MiB);
    public static readonly Knob HeaderBytes = new("header-bytes", KnobUnit.Bytes, "MaxRequestHeadersTotalSize: largest header section", 64, MiB);
    public static readonly Knob BodyLimit = new("body-limit", KnobUnit.Bytes, "MaxRequestBodySize: largest request body", 0, 1024 * MiB, canBeUnlimited: true);
    public static readonly Knob KeepAliveTimeout = new("keepalive-timeout", KnobUnit.Seconds, "Idle seconds between requests before the server closes", 1, 3600);
    public static readonly Knob HeadersTimeout = new("headers-timeout", KnobUnit.Seconds, "Seconds to receive a whole request head before 408", 1, 3600);
    public static readonly Knob ResponseRate = new("response-rate", KnobUnit.Bytes, "MinResponseDataRate: bytes a second a reader the server waits on must take, after the grace period (0: off)", 0, 64 * MiB);
    public static readonly Knob BodyRate = new("body-rate", KnobUnit.Bytes, "MinRequestBodyDataRate: bytes a second a request body must arrive at, after the grace period (0: off)", 0, 64 * MiB);
    public static readonly Knob RateGrace = new("rate-grace", KnobUnit.Seconds, "Grace period of both data rates", 0, 3600);
    public static readonly Knob MaxConnections = new("max-connections", KnobUnit.Count, "MaxConcurrentConnections: connections open at once; one more is closed unanswered", 1, 1_000_000, canBeUnlimited: true);
    public static readonly Knob SocketLimit = new("fd-limit", KnobUnit.Count, "Sockets the server process may hold (RLIMIT_NOFILE), listen sockets included: past it accepts fail with EMFILE", 1, 1_000_000, canBeUnlimited: true);
    public static readonly Knob StopAt = new("stop-at", KnobUnit.Millis, "Begin a graceful stop this many ms into the traffic (off: once it is over)", 0, 3_600_000);

    // Faults the world injects.
    public static readonly Knob WriteDelay = new("write-delay", KnobUnit.Rate, "Chance a uv_write completes late (1-50 ms)");
    public static readonly Knob WriteHold = new("write-hold", KnobUnit.Rate, "Chance a uv_write is held in flight, a stalled reader (0.1-5 s, released when faults stop)");
    public static readonly Knob WriteFail = new("write-fail", KnobUnit.Rate, "Chance a uv_write fails (ECONNRESET, EPIPE or ECANCELED) and the connection breaks");
    public static readonly Knob Fragment = new("fragment", KnobUnit.Rate, "Chance the network cuts a client's send into pieces");
    public static readonly Knob Coalesce = new("coalesce", KnobUnit.Rate, "Chance a read takes every send that has arrived (pipelined requests in one read)");
    public static readonly Knob ZeroRead = new("zero-read", KnobUnit.Rate, "Chance of an empty read (EAGAIN, not EOF) before a send");
    public static readonly Knob AcceptError = new("accept-error", KnobUnit.Rate, "Chance a connection's accept first fails (EMFILE, ENFILE, ENOBUFS)");
    public static readonly Knob Jitter = new("jitter", KnobUnit.Micros, "Most µs the scheduler may delay a work item (reordering app work)", 0, 1_000_000);
    public static readonly Knob LateTimer = new("late-timer", KnobUnit.Rate, "Chance a libuv timer (the heartbeat) fires late (1 ms-1.5 s)");

    // What the clients do.
    public static readonly Knob Pipeline = new("pipeline", KnobUnit.Rate, "Chance a request is sent together with the next, before its response");
    public static readonly Knob ExpectContinue = new("expect-continue", KnobUnit.Rate, "Chance a request with a body asks for 100 Continue");
    public static readonly Knob Http10 = new("http10", KnobUnit.Rate, "Chance a request is HTTP/1.0");
    public static readonly Knob ConnectionClose = new("close", KnobUnit.Rate, "Chance a request says Connection: close");
    public static readonly Knob HalfClose = new("half-close", KnobUnit.Rate, "Chance a client half-closes right after its last request");
    public static readonly Knob ClientReset = new("client-reset", KnobUnit.Rate, "Chance a client resets mid-request or mid-response");
    public static readonly Knob ClientEof = new("client-eof", KnobUnit.Rate, "Chance a client half-closes in the middle of a request");
    public static readonly Knob Malformed = new("malformed", KnobUnit.Rate, "Chance a request is malformed (400, 413, 414, 431, 505)");
    public static readonly Knob Stall = new("stall", KnobUnit.Rate, "Chance a client stops sending for good early in a request body (a trickled body gone quiet)");
    public static readonly Knob StopReading = new("stop-reading", KnobUnit.Rate, "Chance a client stops reading for good in the middle of a response");
    public static readonly Knob Idle = new("idle", KnobUnit.Rate, "Chance of an idle stretch before a request or inside its head, across the timeouts");

    // What the apps do.
    public static readonly Knob AppFaults = new("app-faults", KnobUnit.Rate, "Chance a request reaches an app that throws or breaks its Content-Length");
    public static readonly Knob SlowApps = new("slow", KnobUnit.Rate, "Chance a request reaches an app that awaits virtual delays");

    /// <summary>Every knob, in the order help lists them.</summary>
    public static IReadOnlyList<Knob> All { get; } =
    [
        Connections, Requests, ResponseBytes, MaxEvents,
        Loops, ResponseBuffer, RequestBuffer, RequestLine, HeaderBytes, BodyLimit, KeepAliveTimeout, HeadersTimeout,
        ResponseRate, BodyRate, RateGrace, MaxConnections, SocketLimit, StopAt,
        WriteDelay, WriteHold, WriteFail, Fragment, Coalesce, ZeroRead, AcceptError, Jitter, LateTimer,
        Pipeline, ExpectContinue, Http10, ConnectionClose, HalfClose, ClientReset, ClientEof, Malformed, Stall, StopReading, Idle,
        AppFaults, SlowApps,
    ];

    /// <summary>The knob called <paramref name="name"/>, or null.</summary>
    public static Knob? Find(string name) => All.FirstOrDefault(k => k.Name == name);
}
