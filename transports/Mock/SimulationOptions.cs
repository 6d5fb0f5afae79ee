namespace Testbed.Transports.Mock;

/// <summary>How a simulation behaves; every random choice within these bounds comes from the seed.</summary>
public sealed class SimulationOptions
{
    /// <summary>Record the trace. Off in benchmarks and sweeps: events are then not even formatted.</summary>
    public bool Trace { get; set; } = true;

    /// <summary>The most characters the trace keeps; past it the oldest event lines are dropped (its hash still covers them).</summary>
    public int MaxTraceChars { get; set; } = SimulationTrace.DefaultMaxChars;

    /// <summary>Fewest and most microseconds before an automatic uv_write completes (the peer took the bytes).</summary>
    public (long Min, long Max) WriteLatency { get; set; } = (20, 200);

    /// <summary>Fewest and most microseconds before bytes a client sent reach the server's socket.</summary>
    public (long Min, long Max) NetworkLatency { get; set; } = (20, 200);

    /// <summary>
    /// The server process's descriptor limit for sockets (RLIMIT_NOFILE, as far as sockets go): listen sockets and
    /// accepted connections count until closed. At the limit an accept fails with EMFILE (the connection waits in
    /// the backlog, and libuv calls back with the error again while it does) and so does a bind. Null: no limit.
    /// </summary>
    public int? SocketLimit { get; set; }

    /// <summary>The faults the world injects; all off by default.</summary>
    public WorldFaults Faults { get; } = new();

    /// <summary>The bound on events one Run call may execute before the run is declared not to settle.</summary>
    public long MaxEventsPerRun { get; set; } = 50_000_000;

    /// <summary>
    /// The virtual wall clock at virtual time zero (<see cref="VirtualTimeProvider.GetUtcNow"/>, so the engine's Date
    /// headers); <see cref="VirtualTimeProvider.Epoch"/> by default. A replay of a recording sets the recording's start
    /// here, before the server starts, so its Date headers are the real ones.
    /// </summary>
    public DateTimeOffset Epoch { get; set; } = VirtualTimeProvider.Epoch;

    /// <summary>
    /// Copies every uv_write's bytes at submission and checks them at completion (buffer reuse in flight). Off, the
    /// bytes are copied once at completion, just before the callback, as the client receives them.
    /// </summary>
    public bool VerifyWriteBuffers { get; set; } = true;
}
