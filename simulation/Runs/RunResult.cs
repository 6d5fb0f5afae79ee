using System.Globalization;
using Testbed.Simulator.Faults;
using Testbed.Transports.Mock;

namespace Testbed.Simulator.Runs;

/// <summary>
/// A broken invariant, and where: its name, what was seen, the event number (items run from the event queue),
/// the virtual time, and when the run was traced, the number of the trace line it came after and the last lines
/// of the trace up to it.
/// </summary>
public sealed record RunFailure(string Invariant, string Detail, long EventNumber, long VirtualMicros, long TraceLine, IReadOnlyList<string> TraceTail)
{
    /// <summary>The virtual time as seconds with six decimals.</summary>
    public string VirtualTime => (VirtualMicros / 1e6).ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="other"/> is the same violation: the same invariant at the same event.</summary>
    public bool SameAs(RunFailure? other) => other is not null && other.Invariant == Invariant && other.EventNumber == EventNumber;
}

/// <summary>
/// What one run gave: its verdict, its size (events, virtual time, requests the server started), what it covered,
/// and its trace when it was traced.
/// </summary>
public sealed record RunResult(
    RunSpec Spec,
    FaultPlan Plan,
    RunFailure? Failure,
    long Events,
    long VirtualMicros,
    int Requests,
    IReadOnlyList<string> Coverage,
    ulong? TraceHash,
    string? Trace)
{
    private string? _trace = Trace;
    private TraceText? _text;

    /// <summary>A traced run's result, its text kept as the trace wrote it until <see cref="Trace"/> is first asked for.</summary>
    internal RunResult(RunSpec spec, FaultPlan plan, RunFailure? failure, long events, long virtualMicros, int requests, IReadOnlyList<string> coverage, ulong? traceHash, TraceText? text)
        : this(spec, plan, failure, events, virtualMicros, requests, coverage, traceHash, (string?)null) => _text = text;

    /// <summary>
    /// The whole trace, LF line endings, when the run was traced. It is made one string on first use: a traced run
    /// of the standard scenario is about a megabyte of text, and a string of it per run (on the large object
    /// heap) brought a gen2 collection every few runs to callers that only wanted the hash or the verdict.
    /// </summary>
    public string? Trace
    {
        get => _trace ??= _text?.ToString();
        init
        {
            _trace = value;
            _text = null;
        }
    }

    public bool Passed => Failure is null;

    /// <summary>The same run, as far as anything but the trace can tell: the verdict, the events, the clock and the counts.</summary>
    public bool SameOutcome(RunResult other) =>
        Spec.Equals(other.Spec) && (Failure is null ? other.Failure is null : Failure.SameAs(other.Failure))
        && Events == other.Events && VirtualMicros == other.VirtualMicros && Requests == other.Requests
        && Coverage.SequenceEqual(other.Coverage);

    /// <summary>One line of key=value pairs, for a shell or a sweep to grep.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"scenario={Spec.Scenario} seed={Spec.Seed} result={(Passed ? "pass" : "fail:" + Failure!.Invariant)} requests={Requests} events={Events} virtual_seconds={VirtualMicros / 1e6:0.000000}{(TraceHash is { } hash ? $" trace_hash={hash:x16}" : string.Empty)}");
}
