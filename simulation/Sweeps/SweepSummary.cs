using System.Globalization;
using System.Reflection;
using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Sweeps;

/// <summary>
/// A seed that broke an invariant, as a sweep reports it. The sweep traces its first few failures again; those
/// carry the trace hash, whether the traced rerun broke the same invariant at the same event, and the trace's tail.
/// </summary>
public sealed record SeedFailure(
    ulong Seed,
    string Invariant,
    string Detail,
    long EventNumber,
    long VirtualMicros,
    ulong? TraceHash,
    string? NotReproduced,
    IReadOnlyList<string> TraceTail)
{
    public string VirtualTime => (VirtualMicros / 1e6).ToString("0.000000", CultureInfo.InvariantCulture);

    public bool Traced => TraceHash is not null;
}

/// <summary>A regression case whose invariant broke again: the bug it was saved for came back.</summary>
public sealed record RegressionFailure(string Case, string Invariant, string Detail);

/// <summary>
/// What a sweep found, in a form that survives a file and adds up: one machine's sweep, one shard of a sweep, or
/// the merge of every shard. Reports and results files are written from it, so a merged sweep prints exactly what
/// one machine running the whole range would.
/// </summary>
public sealed record SweepSummary(
    RunSpec Template,
    SeedRange Range,
    Shard Shard,
    string EngineCommit,
    int Jobs,
    long Runs,
    long Passed,
    long Events,
    TimeSpan Elapsed,
    IReadOnlyList<(string Name, long Seeds)> Coverage,
    IReadOnlyList<SeedFailure> Failures,
    IReadOnlyList<Divergence> Divergences,
    long DeterminismChecked,
    int RegressionCases,
    IReadOnlyList<RegressionFailure> RegressionFailures)
{
    /// <summary>The commit the engine was built from (the SDK stamps it into the version), or "unknown" for a build outside git.</summary>
    public static string ThisEngineCommit { get; } =
        typeof(Engine.Hosting.TestbedServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } version
        && version.IndexOf('+', StringComparison.Ordinal) is var plus and >= 0 ? version[(plus + 1)..] : "unknown";

    /// <summary>The seeds this summary covers: the shard's block of the range.</summary>
    public SeedRange Seeds => Shard.Of(Range);

    /// <summary>No violation, no divergence, and no regression came back.</summary>
    public bool Clean => Failures.Count == 0 && Passed == Runs && Divergences.Count == 0 && RegressionFailures.Count == 0;

    /// <summary>Summarises one machine's sweep of <paramref name="shard"/>'s block of <paramref name="range"/>, after the regression corpus.</summary>
    public static SweepSummary Of(SweepResult result, SeedRange range, Shard shard, int regressionCases = 0, IReadOnlyList<RegressionFailure>? regressionFailures = null)
    {
        if (shard.Of(range) != result.Seeds)
        {
            throw new ArgumentException($"the sweep ran {result.Seeds}, not shard {shard} of {range} ({shard.Of(range)})", nameof(result));
        }

        var traced = result.Failures.ToDictionary(f => f.Result.Spec.Seed);
        var failures = result.Failed.Select(r =>
        {
            var failure = r.Failure!;
            if (!traced.TryGetValue(r.Spec.Seed, out var again))
            {
                return new SeedFailure(r.Spec.Seed, failure.Invariant, failure.Detail, failure.EventNumber, failure.VirtualMicros, null, null, []);
            }

            var notReproduced = again.Reproduced ? null
                : again.Traced.Failure is { } other ? $"{other.Invariant} at event {other.EventNumber}" : "no violation";
            return new SeedFailure(r.Spec.Seed, failure.Invariant, failure.Detail, failure.EventNumber, failure.VirtualMicros, again.Traced.TraceHash, notReproduced, again.Failure.TraceTail);
        });
        var summary = new SweepSummary(
            result.Template.WithSeed(range.First), // A shard's template starts at its own block; the sweep's starts at the range.
            range,
            shard,
            ThisEngineCommit,
            result.Jobs,
            result.Outcomes.Count,
            result.Passed,
            result.Events,
            result.Elapsed,
            [.. result.Coverage.Select(row => (row.Name, (long)row.Seeds))],
            [.. failures],
            result.Divergences,
            result.DeterminismChecked,
            regressionCases,
            regressionFailures ?? []);
        System.Diagnostics.Debug.Assert(summary.Runs - summary.Passed == summary.Failures.Count, "every failed run is listed");
        return summary;
    }
}
