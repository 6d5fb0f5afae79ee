using System.Globalization;
using Spectre.Console;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>A sweep's report on stdout: the summary, the coverage table, the failures by invariant, the determinism check.</summary>
internal static class SweepReport
{
    private const int FailuresShownPerInvariant = 5;

    public static void Write(TextWriter output, SweepResult result)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        console.Write(Summary(result));
        console.Write(CoverageTable(result));
        WriteUnreached(output, result);
        WriteFailures(output, result);
        WriteDeterminism(output, result);
    }

    private static Table Summary(SweepResult result)
    {
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle($"sweep of {result.Template.Scenario}") }
            .AddColumn("seeds").AddColumn("jobs").AddColumn("passed").AddColumn("failed").AddColumn("events").AddColumn("wall seconds").AddColumn("seeds/s").AddColumn("events/s");
        table.AddRow(
            result.Seeds.ToString(),
            Number(result.Jobs),
            Number(result.Passed),
            Number(result.Results.Count - result.Passed),
            Number(result.Events),
            seconds.ToString("0.0", CultureInfo.InvariantCulture),
            Number((long)(result.Results.Count / seconds)),
            Number((long)(result.Events / seconds)));
        return table;
    }

    private static Table CoverageTable(SweepResult result)
    {
        var table = new Table { Border = TableBorder.Simple, Title = new TableTitle("coverage: the share of seeds where each happened") }
            .AddColumn("row").AddColumn("what").AddColumn(new TableColumn("seeds").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (name, description, seeds) in result.CoverageCounts())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(description), Number(seeds), (100.0 * seeds / result.Results.Count).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        }

        return table;
    }

    /// <summary>A row no seed reached is a path this sweep did not explore: worth a line, not a failure (a flag may forbid it).</summary>
    private static void WriteUnreached(TextWriter output, SweepResult result)
    {
        var unreached = result.CoverageCounts().Where(row => row.Seeds == 0).Select(row => row.Name).ToList();
        if (unreached.Count > 0)
        {
            output.WriteLine($"not reached by any seed: {string.Join(", ", unreached)}");
        }
    }

    private static void WriteFailures(TextWriter output, SweepResult result)
    {
        var failed = result.Results.Where(r => !r.Passed).ToList();
        if (failed.Count == 0)
        {
            output.WriteLine("no violations");
            return;
        }

        output.WriteLine($"{failed.Count} seeds broke an invariant:");
        foreach (var group in failed.GroupBy(r => r.Failure!.Invariant).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} seeds ({string.Join(", ", group.Take(10).Select(r => r.Spec.Seed))}{(group.Count() > 10 ? ", ..." : string.Empty)})");
            foreach (var failure in result.Failures.Where(f => f.Result.Failure!.Invariant == group.Key).Take(FailuresShownPerInvariant))
            {
                output.WriteLine($"    seed {failure.Result.Spec.Seed}, event {failure.Failure.EventNumber} ({failure.Failure.VirtualTime} s): {failure.Failure.Detail}");
                output.WriteLine($"      {ReplayLine.For(failure.Traced.Spec, failure.Traced.TraceHash)}");
                if (!failure.Reproduced)
                {
                    output.WriteLine($"      NOT REPRODUCED: traced again it gave {(failure.Traced.Failure is { } again ? $"{again.Invariant} at event {again.EventNumber}" : "no violation")}");
                }
            }
        }
    }

    private static void WriteDeterminism(TextWriter output, SweepResult result)
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
