using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Testbed.Simulator.Regressions;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed sweep [--scenario NAME] --seeds 1..10000 [--jobs N] [--check-determinism[=every|SAMPLE]] [--json FILE]
/// [--junit FILE] [--regressions DIR] [--KNOB VALUE ...]</c>: the regression corpus replayed first, then one spec over a range of seeds, in parallel, with a summary, the coverage
/// table, the failures grouped by invariant with their exact replay commands, and exit 1 on any violation.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var spec = new SpecOptions(withSeed: false);
        var seeds = new Option<SeedRange?>("--seeds")
        {
            Description = "The seeds to run, FIRST..LAST (default 1..1000)",
            HelpName = "RANGE",
            CustomParser = r =>
            {
                if (r.Tokens is not [var token])
                {
                    return null; // No value: the arity check reports it.
                }

                if (SeedRange.TryParse(token.Value, out var range, out var problem))
                {
                    return range;
                }

                r.AddError("--seeds: " + problem);
                return null;
            },
        };
        var jobs = new Option<int?>("--jobs")
        {
            Description = "Seeds run at once, each on a thread of its own (default: the core count); the results do not depend on it",
            CustomParser = r => WholeNumberFlag.Parse(r, "--jobs", 1, 256),
        };
        var determinism = new Option<string?>("--check-determinism")
        {
            Description = "Run seeds twice more, traced, and report the first event where two runs differ: every seed, or a SAMPLE of them spread over the range",
            HelpName = "every|SAMPLE",
            Arity = ArgumentArity.ZeroOrOne,
        };
        determinism.Validators.Add(r =>
        {
            if (DeterminismSample(r.Tokens.Count == 0 ? "every" : r.Tokens[0].Value) is null)
            {
                r.AddError($"--check-determinism: '{r.Tokens[0].Value}' is neither 'every' nor a number of seeds");
            }
        });
        var regressions = new Option<DirectoryInfo?>("--regressions")
        {
            Description = $"Replay every failure case in DIR before the seeds; each must pass (default: {RegressionCorpus.DefaultFolder} when it exists here)",
            HelpName = "DIR",
        };
        regressions.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo?>() is { Exists: false } folder)
            {
                r.AddError($"--regressions: directory not found: {folder.FullName}");
            }
        });
        var json = OutputFileOption("--json", "Write the sweep's results as JSON to FILE");
        var junit = OutputFileOption("--junit", "Write one JUnit test case per seed to FILE");
        var command = new Command("sweep", "Run a scenario over a range of seeds and report every violation, with coverage") { seeds, jobs, determinism, json, junit, regressions };
        spec.AddTo(command);
        command.SetAction(parsed =>
        {
            var range = parsed.GetValue(seeds) ?? new SeedRange(1, 1000);
            var sample = parsed.GetResult(determinism) is null ? 0 : DeterminismSample(parsed.GetValue(determinism) ?? "every")!.Value;
            var corpus = parsed.GetValue(regressions)?.FullName ?? (Directory.Exists(RegressionCorpus.DefaultFolder) ? RegressionCorpus.DefaultFolder : null);
            var regressionsPass = corpus is null ? true : RegressionsPass(parsed, corpus);
            if (regressionsPass is null)
            {
                return TestbedCommandLine.UsageError;
            }

            // The seeds run either way: the sweep's own report and files do not depend on the corpus.
            var sweep = Run(parsed, spec.Read(parsed, range.First), range, parsed.GetValue(jobs) ?? Environment.ProcessorCount, sample == ulong.MaxValue ? range.Count : sample, parsed.GetValue(json), parsed.GetValue(junit));
            return regressionsPass.Value ? sweep : 1;
        });
        return command;
    }

    /// <summary>Replays the regression corpus first: false when a bug came back (the sweep then fails), null for a corpus that cannot be read.</summary>
    private static bool? RegressionsPass(ParseResult parsed, string folder)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        IReadOnlyList<(string File, Testbed.Simulator.Shrinking.FailureCase Case)> cases;
        try
        {
            cases = RegressionCorpus.Load(folder);
        }
        catch (FormatException ex)
        {
            error.WriteLine("testbed: --regressions " + ex.Message);
            return null;
        }

        var failing = RegressionCorpus.Failing(cases);
        output.WriteLine($"regressions: {cases.Count} cases from {folder}, {cases.Count - failing.Count} pass");
        foreach (var (file, failureCase, failure) in failing)
        {
            output.WriteLine($"  {Path.GetFileName(file)} broke {failure.Invariant} again: {failure.Detail}");
            output.WriteLine($"    replay: {ReplayLine.Program} replay --case {file}");
        }

        return failing.Count == 0;
    }

    private static int Run(ParseResult parsed, RunSpec template, SeedRange seeds, int jobs, ulong determinismSample, string? jsonPath, string? junitPath)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        var result = SweepProgress.Show(error, seeds.Count, report =>
            Sweep.Run(template, seeds, new SweepOptions { Jobs = jobs, DeterminismSample = determinismSample, Progress = report }));

        SweepReport.Write(output, result);
        var written = (jsonPath is null || SweepFiles.TryWriteJson(jsonPath, result, error)) & (junitPath is null || SweepFiles.TryWriteJUnit(junitPath, result, error));
        return result.Failures.Count == 0 && result.Passed == result.Results.Count && result.Divergences.Count == 0 && written ? 0 : 1;
    }

    /// <summary>ulong.MaxValue for "every", the number for a sample, null for anything else.</summary>
    private static ulong? DeterminismSample(string text) =>
        text == "every" ? ulong.MaxValue
        : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sample) && sample > 0 ? sample
        : null;

    private static Option<string?> OutputFileOption(string flag, string description)
    {
        var option = new Option<string?>(flag) { Description = description, HelpName = "FILE" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                r.AddError($"{flag}: directory not found for {Path.GetFullPath(path)}");
            }
        });
        return option;
    }
}
