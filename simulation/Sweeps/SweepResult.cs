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

/// <summary>What a sweep found: every seed's verdict, the failures traced, coverage, and any divergence between runs of a seed.</summary>
public sealed record SweepResult(
    RunSpec Template,
    SeedRange Seeds,
    int Jobs,
    IReadOnlyList<RunResult> Results,
    IReadOnlyList<SweepFailure> Failures,
    IReadOnlyList<Divergence> Divergences,
    int DeterminismChecked,
    TimeSpan Elapsed)
{
    public long Events => Results.Sum(r => r.Events);

    public int Passed => Results.Count(r => r.Passed);

    /// <summary>How many seeds reached each coverage row, in <see cref="Coverage.All"/>'s order.</summary>
    public IReadOnlyList<(string Name, string Description, int Seeds)> CoverageCounts()
    {
        var counts = Coverage.All.ToDictionary(row => row.Name, _ => 0);
        foreach (var name in Results.SelectMany(r => r.Coverage))
        {
            counts[name]++;
        }

        return [.. Coverage.All.Select(row => (row.Name, row.Description, counts[row.Name]))];
    }
}
