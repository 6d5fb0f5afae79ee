using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock;

/// <summary>
/// The faults the world injects, each a chance per opportunity, drawn from the stream of the concern it
/// disturbs. All are off by default. <see cref="Simulation.StopFaults"/> ends them for a run's liveness phase.
/// </summary>
public sealed class WorldFaults
{
    /// <summary>Most microseconds a scheduler work item may be delayed beyond the moment it was queued (the orders a thread pool could pick).</summary>
    public long SchedulerJitter { get; set; }

    /// <summary>Chance that a segment the client sent is preceded by a read of 0 bytes (libuv's EAGAIN read, which is not EOF).</summary>
    public double ZeroReadChance { get; set; }

    /// <summary>Chance that a read takes every segment that has already arrived, as TCP coalesces pipelined sends.</summary>
    public double CoalesceChance { get; set; }

    /// <summary>Chance that the network cuts a client's send into pieces at seeded offsets (each piece one read).</summary>
    public double FragmentChance { get; set; }

    /// <summary>Most pieces a fragmented send is cut into.</summary>
    public int MaxFragments { get; set; } = 8;

    /// <summary>Chance that a uv_write completes later than its latency: a peer slow to take the bytes.</summary>
    public double WriteDelayChance { get; set; }

    /// <summary>Extra microseconds a delayed write takes.</summary>
    public (long Min, long Max) WriteDelay { get; set; } = (1_000, 50_000);

    /// <summary>Chance that a uv_write is held in flight, a reader that stalls, until released later or when faults stop.</summary>
    public double WriteHoldChance { get; set; }

    /// <summary>How long a held write stays in flight, in microseconds.</summary>
    public (long Min, long Max) WriteHold { get; set; } = (100_000, 5_000_000);

    /// <summary>
    /// Chance that a uv_write fails: the peer is gone. The write completes with a status drawn from
    /// <see cref="WriteFailureStatuses"/>, and from then on the connection is broken both ways.
    /// </summary>
    public double WriteFailureChance { get; set; }

    /// <summary>The statuses a failed write may complete with.</summary>
    public IReadOnlyList<int> WriteFailureStatuses { get; set; } = [UvStatus.ECONNRESET, UvStatus.EPIPE];

    /// <summary>
    /// Chance that a connection's accept fails first: the listener's connection callback gets an error (as libuv
    /// reports EMFILE, ENFILE or ENOBUFS) and the connection waits in the backlog for the next callback.
    /// </summary>
    public double AcceptErrorChance { get; set; }

    /// <summary>Chance that a libuv timer fires late, as on a loop busy with other work (a late heartbeat).</summary>
    public double LateTimerChance { get; set; }

    /// <summary>How late a late timer fires, in microseconds.</summary>
    public (long Min, long Max) TimerLateness { get; set; } = (1_000, 1_500_000);
}
