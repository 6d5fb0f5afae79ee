using System.CommandLine;
using System.Globalization;
using Testbed.Simulator.Recordings;
using Testbed.Simulator.Regressions;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Simulator.Shrinking;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed shrink [--scenario NAME] [--seed N] [--KNOB VALUE ...] | --case FILE [--out FILE] [--save]</c>: reduces a
/// failing run to a smaller one that breaks the same invariant, prints before and after, writes the case, and
/// prints it as an xunit spec. A seed that passes is one line and exit 2.
/// </summary>
internal static class ShrinkCommand
{
    public static Command Create()
    {
        var spec = new SpecOptions(withSeed: true);
        var failureCase = InputFileOption.Create("--case", "Shrink a failure case further instead of a seed");
        var output = OutputFileOption.Create("--out", "Write the shrunk case to FILE (default: case-INVARIANT-SEED.json here)");
        var maxSteps = new Option<int?>("--max-steps")
        {
            Description = "Stop after this many accepted steps (default 500)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--max-steps", 1, int.MaxValue),
        };
        var maxSeconds = new Option<int?>("--max-seconds")
        {
            Description = "Stop after this many seconds (default 300)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--max-seconds", 1, int.MaxValue),
        };
        var save = new Option<bool>("--save") { Description = $"Also add the case to the regression corpus ({RegressionCorpus.DefaultFolder}, run from the repository root)" };
        var command = new Command("shrink", "Reduce a failing run to a smaller one that breaks the same invariant, and write it as a case") { failureCase, output, maxSteps, maxSeconds, save };
        spec.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(failureCase) is not null && r.GetResult(spec.Seed!) is not null)
            {
                r.AddError("--case: a case holds its own spec and choices; give it without --seed");
            }

            if (r.GetValue(save) && !Directory.Exists(RegressionCorpus.DefaultFolder))
            {
                r.AddError($"--save: no {RegressionCorpus.DefaultFolder} folder here; run it from the repository root");
            }
        });
        command.SetAction(parsed => Run(
            parsed,
            parsed.GetValue(failureCase) is null ? spec.Read(parsed) : null,
            parsed.GetValue(failureCase),
            parsed.GetValue(output),
            parsed.GetValue(save),
            new ShrinkLimits(MaxSteps: parsed.GetValue(maxSteps) ?? 500, MaxSeconds: parsed.GetValue(maxSeconds) ?? 300)));
        return command;
    }

    private static int Run(ParseResult parsed, RunSpec? seedSpec, FileInfo? caseFile, string? outPath, bool save, ShrinkLimits limits)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        FailureCase? given = null;
        if (caseFile is not null && !CaseFile.TryRead(caseFile.FullName, out given, out var problem))
        {
            error.WriteLine("testbed: " + problem);
            return TestbedCommandLine.UsageError;
        }

        // The run as it fails, with every choice it drew: the shrink's starting point.
        var spec = given?.Spec ?? seedSpec!;
        Scenario scenario;
        try
        {
            scenario = (given is null ? null : RecordingApps.ForCase(given)) ?? Runner.Resolve(spec);
        }
        catch (RecordingReplayException ex)
        {
            error.WriteLine($"testbed: --case {caseFile!.FullName}: {ex.Message}");
            return TestbedCommandLine.UsageError;
        }

        var recording = new RecordingChoices(given is null ? scenario.DefaultChoices(spec) : new ForcedChoices(given.Choices));
        var original = Runner.Run(scenario, spec, new RunOptions { Choices = recording });
        if (original.Failure is not { } failure)
        {
            error.WriteLine($"testbed: {(given is null ? spec.ToString() : "--case " + caseFile!.FullName)} passes: nothing to shrink");
            return TestbedCommandLine.UsageError;
        }

        var start = new FailureCase(spec, failure.Invariant, recording.Log) { Recording = given?.Recording };
        var shrunk = new Shrinker(scenario, spec, failure.Invariant, limits).Shrink(recording.Log);
        var result = start with { Choices = shrunk.Choices };
        var path = outPath ?? $"case-{failure.Invariant}-{spec.Seed.ToString(CultureInfo.InvariantCulture)}.json";
        if (!TraceFile.TryWrite(path, result.Format(), output, error, "the case"))
        {
            return 1;
        }

        Report(output, start, result, shrunk, path, scenario);
        if (save)
        {
            var saved = RegressionCorpus.PathFor(RegressionCorpus.DefaultFolder, result);
            if (!TraceFile.TryWrite(saved, result.Format(), output, error, "the case"))
            {
                return 1;
            }

            output.WriteLine($"saved to the regression corpus: {saved}");
        }

        return 0;
    }

    private static void Report(TextWriter output, FailureCase before, FailureCase after, ShrinkResult shrunk, string path, Scenario scenario)
    {
        var (b, a) = (RunSize.Of(before, scenario: scenario), RunSize.Of(after, scenario: scenario));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"shrunk {before.Invariant} ({before.Spec}) in {shrunk.Took.TotalSeconds:0.0} s: {shrunk.Steps} steps accepted of {shrunk.Runs} runs; stopped: {shrunk.StoppedBecause}"));
        output.WriteLine($"  {"",-14}{"before",10}{"after",10}");
        foreach (var (name, x, y) in new[]
        {
            ("connections", b.Connections, a.Connections), ("requests", b.Requests, a.Requests), ("fault events", b.FaultEvents, a.FaultEvents),
            ("choices", b.Choices, a.Choices), ("trace lines", b.TraceLines, a.TraceLines),
        })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14}{x,10}{y,10}"));
        }

        output.WriteLine($"case: {path}");
        output.WriteLine($"  replay: {ReplayLine.Program} replay --case {path}");
        output.WriteLine();
        output.WriteLine("as an xunit spec (using Testbed.Simulator.Shrinking):");
        output.WriteLine(after.ToXunit($"Shrunk_{after.Invariant.Replace('-', '_')}_seed_{after.Spec.Seed.ToString(CultureInfo.InvariantCulture)}_passes"));
    }
}
