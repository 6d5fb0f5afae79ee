using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Simulator.Shrinking;

namespace Testbed.Simulator.Regressions;

/// <summary>
/// A folder of failure cases that must pass (proptest's regression files): each was shrunk from a bug, so it
/// fails again if the bug comes back. Sweeps replay it before their seeds, and a spec theory replays it in
/// the test command. A fixed bug's case stays for good. The default folder is <see cref="DefaultFolder"/>.
/// </summary>
public static class RegressionCorpus
{
    /// <summary>The repository's corpus, relative to the repository root.</summary>
    public const string DefaultFolder = "simulation/regression-cases";

    /// <summary>Every case in <paramref name="folder"/>, by file name; a file that is not a case throws <see cref="FormatException"/> naming it.</summary>
    public static IReadOnlyList<(string File, FailureCase Case)> Load(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(file => (file, Read(file)))];

    /// <summary>
    /// The cases whose invariant breaks again: the bugs that came back. <paramref name="scenarioFor"/> gives the
    /// scenario of a case the catalog cannot (a recording's, which needs its app); null, or a null answer, is the catalog's.
    /// </summary>
    public static IReadOnlyList<(string File, FailureCase Case, RunFailure Failure)> Failing(IEnumerable<(string File, FailureCase Case)> cases, Func<FailureCase, Scenario?>? scenarioFor = null) =>
        [.. cases.Select(c => (c.File, c.Case, Failure: c.Case.Run(scenario: scenarioFor?.Invoke(c.Case)).Failure)).Where(c => c.Failure is not null).Select(c => (c.File, c.Case, c.Failure!))];

    /// <summary>Where <paramref name="failure"/> is saved in <paramref name="folder"/>: one file per invariant and seed.</summary>
    public static string PathFor(string folder, FailureCase failure) =>
        Path.Combine(folder, $"{failure.Invariant}-{failure.Spec.Scenario}-{failure.Spec.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}.json");

    private static FailureCase Read(string file)
    {
        try
        {
            return FailureCase.Parse(File.ReadAllText(file));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{file}: {ex.Message}", ex);
        }
    }
}
