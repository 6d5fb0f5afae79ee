using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Snapshots;

/// <summary>
/// One pinned behaviour: a run (scenario, seed, knobs) whose trace summary is a snapshot, and the coverage rows
/// the run must reach, so a case cannot drift into pinning something other than what its name says.
/// </summary>
public sealed record SnapshotCase(string Name, string Description, RunSpec Spec, IReadOnlyList<string> Covers)
{
    /// <summary>The snapshot's name in its folder: <c>{suite}.{case}</c>.</summary>
    public string SnapshotName(SnapshotSuite suite) => $"{suite.Name}.{Name}";

    /// <summary>Runs the case, traced: the same result every time.</summary>
    public RunResult Run() => Runner.Run(Spec, new RunOptions { Trace = true });
}

/// <summary>A named set of cases whose snapshots live together in one folder.</summary>
public sealed record SnapshotSuite(string Name, string Description, IReadOnlyList<SnapshotCase> Cases)
{
    public SnapshotCase? Find(string name) => Cases.FirstOrDefault(c => c.Name == name);
}
