namespace Testbed.Simulator.Snapshots;

/// <summary>The suites <c>testbed report</c> knows by name, and where their committed snapshots live.</summary>
public static class SnapshotSuites
{
    /// <summary>The committed snapshots of every suite, relative to the repository root.</summary>
    public const string DefaultFolder = "simulation/baseline";

    public static IReadOnlyList<SnapshotSuite> All { get; } = [BehaviourSuite.Suite];

    public static SnapshotSuite Default => All[0];

    public static SnapshotSuite? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
