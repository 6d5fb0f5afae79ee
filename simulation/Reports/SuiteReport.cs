using System.Diagnostics;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Snapshots;
using Testbed.Simulator.Sweeps;
using Testbed.Simulator.Traces;

namespace Testbed.Simulator.Reports;

public enum CaseStatus
{
    /// <summary>The summary is the baseline's.</summary>
    Unchanged,

    /// <summary>The summary differs from the baseline's.</summary>
    Changed,

    /// <summary>The suite has the case and the baseline does not.</summary>
    New,

    /// <summary>The baseline has a snapshot and the suite no such case.</summary>
    Missing,

    /// <summary>The run broke an invariant, or did not reach what the case pins.</summary>
    Failed,
}

/// <summary>One case of a report: its verdict, both summaries, the run, and for a change the first divergent line.</summary>
public sealed record CaseReport(
    string Name,
    string Description,
    CaseStatus Status,
    RunSpec? Spec,
    string? Baseline,
    string? Received,
    RunResult? Result,
    string? Problem,
    TraceDivergence? FirstDivergence,
    TimeSpan Elapsed);

/// <summary>A suite run against a baseline folder: every case's verdict, and the snapshots the suite no longer has.</summary>
public sealed record SuiteReport(SnapshotSuite Suite, string BaselineFolder, string EngineCommit, IReadOnlyList<CaseReport> Cases, TimeSpan Elapsed)
{
    /// <summary>
    /// Whether the report fails (exit 1): a case changed, went missing or failed, or, on a build server, a case
    /// is new, since no one is there to accept it (Verify's rule for a new snapshot on CI).
    /// </summary>
    public bool Fails(bool onBuildServer) =>
        Cases.Any(c => c.Status is CaseStatus.Changed or CaseStatus.Missing or CaseStatus.Failed || (onBuildServer && c.Status == CaseStatus.New));

    public int Count(CaseStatus status) => Cases.Count(c => c.Status == status);

    /// <summary>
    /// Runs every case of <paramref name="suite"/>, traced, and compares its summary with
    /// <c>{suite}.{case}.verified.txt</c> in <paramref name="baselineFolder"/>; nothing is written there.
    /// </summary>
    public static SuiteReport Run(SnapshotSuite suite, string baselineFolder)
    {
        var watch = Stopwatch.StartNew();
        var cases = suite.Cases.Select(c => RunCase(suite, c, baselineFolder)).ToList();
        var names = suite.Cases.Select(c => c.SnapshotName(suite)).ToHashSet(StringComparer.Ordinal);
        var missing = Directory.EnumerateFiles(baselineFolder, $"{suite.Name}.*{SnapshotStore.VerifiedSuffix}")
            .Select(path => Path.GetFileName(path)[..^SnapshotStore.VerifiedSuffix.Length])
            .Where(name => !names.Contains(name))
            .Order(StringComparer.Ordinal)
            .Select(name => new CaseReport(name[(suite.Name.Length + 1)..], "a snapshot in the baseline whose case the suite no longer has", CaseStatus.Missing, null, File.ReadAllText(Path.Combine(baselineFolder, name + SnapshotStore.VerifiedSuffix)), null, null, null, null, TimeSpan.Zero));
        cases.AddRange(missing);
        Debug.Assert(cases.Count >= suite.Cases.Count, "every case of the suite is reported");
        return new SuiteReport(suite, baselineFolder, SweepSummary.ThisEngineCommit, cases, watch.Elapsed);
    }

    private static CaseReport RunCase(SnapshotSuite suite, SnapshotCase snapshotCase, string baselineFolder)
    {
        var watch = Stopwatch.StartNew();
        var result = snapshotCase.Run();
        var received = TraceSummary.Of(result, $"{snapshotCase.Name}: {snapshotCase.Description}");
        var baselinePath = Path.Combine(baselineFolder, snapshotCase.SnapshotName(suite) + SnapshotStore.VerifiedSuffix);
        var baseline = File.Exists(baselinePath) ? File.ReadAllText(baselinePath) : null;
        var unreached = snapshotCase.Covers.Where(row => !result.Coverage.Contains(row)).ToList();
        var problem = result.Failure is { } failure ? $"broke {failure.Invariant} at event {failure.EventNumber}: {failure.Detail}"
            : unreached.Count > 0 ? $"no longer reaches {string.Join(", ", unreached)}, which the case pins"
            : null;
        var divergence = baseline is null ? null : TraceDiff.FirstDivergence(baseline, received);
        var status = problem is not null ? CaseStatus.Failed
            : baseline is null ? CaseStatus.New
            : divergence is null ? CaseStatus.Unchanged
            : CaseStatus.Changed;
        return new CaseReport(snapshotCase.Name, snapshotCase.Description, status, snapshotCase.Spec, baseline, received, result, problem, divergence, watch.Elapsed);
    }
}
