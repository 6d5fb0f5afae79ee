namespace Testbed.Transports.Mock;

/// <summary>How a simulation behaves; every random choice within these bounds comes from the seed.</summary>
public sealed class SimulationOptions
{
    /// <summary>Record the trace. Off in benchmarks: events are then not even formatted.</summary>
    public bool Trace { get; set; } = true;

    /// <summary>Fewest and most microseconds before an automatic uv_write completes (the peer took the bytes).</summary>
    public (long Min, long Max) WriteLatency { get; set; } = (20, 200);

    /// <summary>Fewest and most microseconds before bytes a client sent reach the server's socket.</summary>
    public (long Min, long Max) NetworkLatency { get; set; } = (20, 200);

    /// <summary>
    /// Most microseconds a scheduler work item may be delayed beyond the moment it was queued. 0 keeps the
    /// scheduler FIFO; more lets seeds explore the orders a real thread pool could pick.
    /// </summary>
    public long SchedulerJitter { get; set; }

    /// <summary>Chance that a segment the client sent is preceded by a read of 0 bytes (libuv's EAGAIN read, which is not EOF).</summary>
    public double ZeroReadChance { get; set; }

    /// <summary>Chance that an automatic uv_write fails (ECONNRESET or EPIPE, drawn from the seed).</summary>
    public double WriteFailureChance { get; set; }

    /// <summary>The bound on events one Run call may execute before the run is declared not to settle.</summary>
    public long MaxEventsPerRun { get; set; } = 50_000_000;

    /// <summary>Copies every uv_write's bytes at submission and checks them at completion (buffer reuse in flight).</summary>
    public bool VerifyWriteBuffers { get; set; } = true;
}
