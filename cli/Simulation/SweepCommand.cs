using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Testbed.Simulator.Regressions;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed sweep [--scenario NAME] --seeds 1..10000 [--jobs N] [--check-determinism[=every|SAMPLE]] [--json FILE]
/// [--junit FILE] [--regressions DIR] [--shard I/N | --shard-count N] [--KNOB VALUE ...]</c>: the regression corpus
/// replayed first, then one spec over a range of seeds (or one shard's block of it), in parallel, with a summary,
/// the coverage table, the failures grouped by invariant with their exact replay commands, and exit 1 on any
/// violation (exit 2 when its results cannot be written). A shard always writes its results file, which
/// <c>sweep merge</c> adds up.
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
            CustomParser = r => TextFlag.Parse<SeedRange>(r, "--seeds", SeedRange.TryParse),
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
        var shard = new Option<Shard?>("--shard")
        {
            Description = "Run only block I of N of the seeds (1-based); without it the shard is read from JOB_COMPLETION_INDEX, CI_NODE_INDEX/CI_NODE_TOTAL or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT when set",
            HelpName = "I/N",
            CustomParser = r => TextFlag.Parse<Shard>(r, "--shard", Shard.TryParse),
        };
        var shardCount = new Option<int?>("--shard-count")
        {
            Description = "The number of shards, for a Kubernetes Indexed Job whose JOB_COMPLETION_INDEX gives the index (or set TESTBED_SHARD_COUNT)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--shard-count", 1, int.MaxValue),
        };
        var json = OutputFileOption.Create("--json", "Write the sweep's results as JSON to FILE (a shard writes sweep-shard-I-of-N.json without it)");
        var junit = OutputFileOption.Create("--junit", "Write the results as JUnit to FILE: a test case per failing seed and one for the seeds that passed");
        var command = new Command("sweep", "Run a scenario over a range of seeds and report every violation, with coverage")
        {
            seeds, jobs, determinism, json, junit, regressions, shard, shardCount, SweepMergeCommand.Create(),
        };
        spec.AddTo(command);
        command.SetAction(parsed =>
        {
            var error = parsed.InvocationConfiguration.Error;
            var range = parsed.GetValue(seeds) ?? new SeedRange(1, 1000);
            if (!ShardSource.TryRead(parsed.GetValue(shard), parsed.GetValue(shardCount), Environment.GetEnvironmentVariable, out var part, out var origin, out var problem))
            {
                error.WriteLine("testbed: " + problem);
                return TestbedCommandLine.UsageError;
            }

            if ((ulong)part.Count > range.Count)
            {
                error.WriteLine($"testbed: {origin}: {part.Count} shards for the {range.Count} seeds of {range} would leave some empty");
                return TestbedCommandLine.UsageError;
            }

            var corpus = parsed.GetValue(regressions)?.FullName ?? (Directory.Exists(RegressionCorpus.DefaultFolder) ? RegressionCorpus.DefaultFolder : null);
            var cases = LoadRegressions(corpus, error);
            if (cases is null)
            {
                return TestbedCommandLine.UsageError;
            }

            var block = part.Of(range);
            var jsonPath = parsed.GetValue(json) ?? (part == Shard.Whole ? null : $"sweep-shard-{part.Index + 1}-of-{part.Count}.json");
            if (part != Shard.Whole)
            {
                error.WriteLine($"sweep: shard {part} of {range} (from {origin}): seeds {block}, results to {jsonPath}");
            }

            var sample = parsed.GetResult(determinism) is null ? 0 : DeterminismSample(parsed.GetValue(determinism) ?? "every")!.Value;
            var jobCount = parsed.GetValue(jobs) ?? Environment.ProcessorCount;

            // The regression cases first, then the seeds, which run either way: a bug that came back fails the sweep, and the seeds' verdicts still count.
            var failing = RegressionCorpus.Failing(cases, RecordingApps.ForCase).Select(c => new RegressionFailure(c.File, c.Failure.Invariant, c.Failure.Detail)).ToList();
            var result = SweepProgress.Show(error, block.Count, report => Sweep.Run(spec.Read(parsed, block.First), block, new SweepOptions { Jobs = jobCount, DeterminismSample = sample == ulong.MaxValue ? block.Count : sample, Progress = report }));
            var summary = SweepSummary.Of(result, range, part, cases.Count, failing);
            SweepReport.Write(parsed.InvocationConfiguration.Output, summary);
            var written = (jsonPath is null || SweepFiles.TryWriteJson(jsonPath, summary, error)) & (parsed.GetValue(junit) is not { } junitPath || SweepFiles.TryWriteJUnit(junitPath, summary, error));
            return !written ? TestbedCommandLine.UsageError : summary.Clean ? 0 : 1;
        });
        return command;
    }

    /// <summary>The regression corpus to replay first (none without a folder); null, after one line naming the file, for a corpus that cannot be read.</summary>
    private static IReadOnlyList<(string File, Testbed.Simulator.Shrinking.FailureCase Case)>? LoadRegressions(string? folder, TextWriter error)
    {
        IReadOnlyList<(string File, Testbed.Simulator.Shrinking.FailureCase Case)> cases;
        try
        {
            cases = folder is null ? [] : RegressionCorpus.Load(folder);
        }
        catch (FormatException ex)
        {
            error.WriteLine("testbed: --regressions " + ex.Message);
            return null;
        }

        // A recording's case is replayed on its app, which only the CLI builds: one it cannot is named here, not
        // thrown from the middle of the sweep.
        foreach (var (file, failure) in cases)
        {
            try
            {
                RecordingApps.ForCase(failure);
            }
            catch (Testbed.Simulator.Recordings.RecordingReplayException ex)
            {
                error.WriteLine($"testbed: --regressions {file}: {ex.Message}");
                return null;
            }
        }

        return cases;
    }

    /// <summary>ulong.MaxValue for "every", the number for a sample, null for anything else.</summary>
    private static ulong? DeterminismSample(string text) =>
        text == "every" ? ulong.MaxValue
        : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sample) && sample > 0 ? sample
        : null;
}
