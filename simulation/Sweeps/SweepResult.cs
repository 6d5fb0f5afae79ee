using Testbed.Simulator.Runs;
using Testbed.Simulator.Traces;

namespace Testbed.Simulator.Sweeps;

/// <summary>A seed that failed: the sweep's result, and the same seed run again with the trace on.</summary>
public sealed record SweepFailure(RunResult Result, RunResult Traced)
{
    public RunFailure Failure => Traced.Failure ?? Result.Failure!;

    /// <summary>The traced rerun broke the same invariant at the same event, as a deterministic run must.</summary>
    public bool Reproduced => Result.Failure!.SameAs(Traced.Failure);
}

/// <summary>Two runs of one seed that should be identical and are not.</summary>
public sealed record Divergence(ulong Seed, string What, TraceDivergence? FirstLine, IReadOnlyList<string> Context);

/// <summary>One seed's verdict and size: small enough to keep for every seed of a million-seed sweep.</summary>
public readonly record struct SeedOutcome(bool Passed, long Events, long VirtualMicros, int Requests);

/// <summary>
/// What a sweep found: every seed's outcome in seed order, the whole result of each failing seed, the first
/// failures traced again, how many seeds reached each coverage row, and any divergence between runs of a seed.
/// </summary>
public sealed record SweepResult(
    RunSpec Template,
    SeedRange Seeds,
    int Jobs,
    IReadOnlyList<SeedOutcome> Outcomes,
    IReadOnlyList<RunResult> Failed,
    IReadOnlyList<SweepFailure> Failures,
    IReadOnlyList<(string Name, string Description, int Seeds)> Coverage,
    IReadOnlyList<Divergence> Divergences,
    int DeterminismChecked,
    TimeSpan Elapsed)
{
    public long Events => Outcomes.Sum(o => o.Events);

    public int Passed => Outcomes.Count(o => o.Passed);
}

/// <summary>How many seeds reached each coverage row, counted as seeds finish on any job's thread.</summary>
internal sealed class CoverageTally
{
    private static readonly Dictionary<string, int> Rows = Runs.Coverage.All.Select((row, i) => (row.Name, i)).ToDictionary();
    private readonly int[] _seeds = new int[Runs.Coverage.All.Count];

    public void Add(IEnumerable<string> reached)
    {
        foreach (var name in reached)
        {
            Interlocked.Increment(ref _seeds[Rows[name]]);
        }
    }

    /// <summary>In <see cref="Runs.Coverage.All"/>'s order.</summary>
    public IReadOnlyList<(string Name, string Description, int Seeds)> Counts() =>
        [.. Runs.Coverage.All.Select((row, i) => (row.Name, row.Description, Volatile.Read(ref _seeds[i])))];
}
