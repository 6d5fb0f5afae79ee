using Testbed.Cli.Simulation;
using Testbed.Simulator.Regressions;
using Testbed.Specs.Support;

namespace Testbed.Specs.Simulator;

/// <summary>
/// The regression corpus (simulation/regression-cases): every case was shrunk from a bug and must pass, so a bug
/// that comes back fails here, in the README's test command.
/// </summary>
public sealed class RegressionCorpusSpecs
{
    private static string Folder => Path.Combine(RepositoryRoot.Path, RegressionCorpus.DefaultFolder);

    public static TheoryData<string> Cases() => [.. RegressionCorpus.Load(Folder).Select(c => Path.GetFileName(c.File))];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_case_of_the_regression_corpus_passes(string file)
    {
        var (_, failureCase) = RegressionCorpus.Load(Folder).Single(c => Path.GetFileName(c.File) == file);

        // A recording's case replays on its app (testbed serve's routes for App=builtin), as the sweep's corpus does.
        var result = failureCase.Run(scenario: RecordingApps.ForCase(failureCase));

        Assert.True(result.Passed, $"{file}: {failureCase.Invariant} breaks again: {result.Failure?.Detail}");
    }

    [Fact]
    public void The_corpus_holds_a_case_for_every_planted_bug()
    {
        var cases = RegressionCorpus.Load(Folder).Select(c => Path.GetFileNameWithoutExtension(c.File)).ToHashSet();

        Assert.All(Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "simulation", "mutants"), "*.patch"), patch => Assert.Contains(Path.GetFileNameWithoutExtension(patch), cases));
    }
}
