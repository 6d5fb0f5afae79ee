using System.Globalization;
using Spectre.Console;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>
/// A sweep's report on stdout: the regression cases that broke again, the summary, the coverage table, the
/// failures by invariant, the determinism check. One machine's sweep and a merge of shards print the same.
/// </summary>
internal static class SweepReport
{
    private const int FailuresShownPerInvariant = 5;

    public static void Write(TextWriter output, SweepSummary result)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        WriteRegressions(output, result);
        console.Write(Summary(result));
        console.Write(CoverageTable(result));
        WriteUnreached(output, result);
        WriteFailures(output, result);
        WriteDeterminism(output, result);
    }

    private static void WriteRegressions(TextWriter output, SweepSummary result)
    {
        if (result.RegressionCases == 0)
        {
            return;
        }

        output.WriteLine($"regressions: {result.RegressionCases} cases, {result.RegressionCases - result.RegressionFailures.Count} pass");
        foreach (var failure in result.RegressionFailures)
        {
            output.WriteLine($"  {Path.GetFileName(failure.Case)} broke {failure.Invariant} again: {failure.Detail}");
            output.WriteLine($"    replay: {ReplayLine.Program} replay --case {failure.Case}");
        }
    }

    private static Table Summary(SweepSummary result)
    {
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle($"sweep of {result.Template.Scenario}") }
            .AddColumn("seeds").AddColumn("jobs").AddColumn("passed").AddColumn("failed").AddColumn("events").AddColumn("wall seconds").AddColumn("seeds/s").AddColumn("events/s");
        table.AddRow(
            result.Seeds.ToString(),
            Number(result.Jobs),
            Number(result.Passed),
            Number(result.Runs - result.Passed),
            Number(result.Events),
            seconds.ToString("0.0", CultureInfo.InvariantCulture),
            Number((long)(result.Runs / seconds)),
            Number((long)(result.Events / seconds)));
        return table;
    }

    private static Table CoverageTable(SweepSummary result)
    {
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle("coverage: the share of seeds where each happened") }
            .AddColumn("row").AddColumn("what").AddColumn(new TableColumn("seeds").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        var descriptions = Coverage.All.ToDictionary(row => row.Name, row => row.Description);
        foreach (var (name, seeds) in result.Coverage)
        {
            var share = 100.0 * seeds / Math.Max(result.Runs, 1);
            table.AddRow(Markup.Escape(name), Markup.Escape(descriptions.GetValueOrDefault(name, string.Empty)), Number(seeds), share.ToString("0.0", CultureInfo.InvariantCulture) + "%");
        }

        return table;
    }

    /// <summary>A row no seed reached is a path this sweep did not explore: worth a line, not a failure (a flag may forbid it).</summary>
    private static void WriteUnreached(TextWriter output, SweepSummary result)
    {
        var unreached = result.Coverage.Where(row => row.Seeds == 0).Select(row => row.Name).ToList();
        if (unreached.Count > 0)
        {
            output.WriteLine($"not reached by any seed: {string.Join(", ", unreached)}");
        }
    }

    private static void WriteFailures(TextWriter output, SweepSummary result)
    {
        if (result.Failures.Count == 0)
        {
            output.WriteLine("no violations");
            return;
        }

        output.WriteLine($"{result.Failures.Count} seeds broke an invariant:");
        foreach (var group in result.Failures.GroupBy(f => f.Invariant).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} seeds ({string.Join(", ", group.Take(10).Select(f => f.Seed))}{(group.Count() > 10 ? ", ..." : string.Empty)})");
            foreach (var failure in group.Where(f => f.Traced).Take(FailuresShownPerInvariant))
            {
                output.WriteLine($"    seed {failure.Seed}, event {failure.EventNumber} ({failure.VirtualTime} s): {failure.Detail}");
                output.WriteLine($"      {ReplayLine.For(result.Template.WithSeed(failure.Seed), failure.TraceHash)}");
                if (failure.NotReproduced is { } instead)
                {
                    output.WriteLine($"      NOT REPRODUCED: traced again it gave {instead}");
                }
            }
        }
    }

    private static void WriteDeterminism(TextWriter output, SweepSummary result)
    {
        if (result.DeterminismChecked == 0)
        {
            return;
        }

        if (result.Divergences.Count == 0)
        {
            output.WriteLine($"determinism: {result.DeterminismChecked} seeds run twice more, traced: every trace and outcome the same");
            return;
        }

        output.WriteLine($"determinism: {result.Divergences.Count} of {result.DeterminismChecked} seeds diverged:");
        foreach (var divergence in result.Divergences.Take(5))
        {
            output.WriteLine($"  seed {divergence.Seed}: {divergence.What}");
            if (divergence.FirstLine is { } line)
            {
                divergence.Context.ToList().ForEach(context => output.WriteLine("      " + context));
                output.WriteLine(line.Describe("first run", "second run").Replace("\n", "\n    ", StringComparison.Ordinal).Insert(0, "    "));
            }
        }
    }

    private static string Number(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
