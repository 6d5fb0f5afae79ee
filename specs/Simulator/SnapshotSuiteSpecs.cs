using Testbed.Simulator.Snapshots;
using Testbed.Specs.Support;

namespace Testbed.Specs.Simulator;

/// <summary>
/// The behaviour suite's snapshots, checked on every test run: each case reaches what its name says and
/// matches its committed summary, and no committed snapshot has lost its case or its spec.
/// </summary>
public sealed class SnapshotSuiteSpecs
{
    private static readonly SnapshotStore Store = new(Path.Combine(RepositoryRoot.Path, SnapshotSuites.DefaultFolder));

    public static TheoryData<string> Cases => [.. BehaviourSuite.Suite.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_reaches_what_it_pins_and_matches_its_snapshot(string name)
    {
        var snapshotCase = BehaviourSuite.Suite.Find(name)!;
        var result = snapshotCase.Run();

        Assert.True(result.Passed, $"{name} broke {result.Failure?.Invariant}: {result.Failure?.Detail}");
        Assert.All(snapshotCase.Covers, row => Assert.Contains(row, result.Coverage));
        var check = Store.Check(snapshotCase.SnapshotName(BehaviourSuite.Suite), TraceSummary.Of(result, $"{name}: {snapshotCase.Description}"));
        Assert.True(check.Status == SnapshotStatus.Unchanged, check.Message);
    }

    [Fact]
    public void No_committed_snapshot_is_dangling()
    {
        var suiteCases = SnapshotSuites.All.SelectMany(suite => suite.Cases.Select(c => c.SnapshotName(suite)));
        Assert.Empty(Store.Dangling(suiteCases));

        // The specs' own snapshots are named {Class}.{Method}[_{parameters}] beside their source; method names hold
        // underscores too, so a name is known when it is a method's or a method's followed by "_".
        var methods = typeof(SnapshotSuiteSpecs).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods().Select(method => $"{type.Name}.{method.Name}")).ToHashSet(StringComparer.Ordinal);
        var dangling = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "specs"), "*" + SnapshotStore.VerifiedSuffix, SearchOption.AllDirectories)
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Select(path => Path.GetFileName(path)[..^SnapshotStore.VerifiedSuffix.Length])
            .Where(name => !methods.Contains(name) && !methods.Any(method => name.StartsWith(method + "_", StringComparison.Ordinal)));
        Assert.Empty(dangling);
    }
}
