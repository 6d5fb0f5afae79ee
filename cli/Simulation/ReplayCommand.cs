using System.CommandLine;
using System.Globalization;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Shrinking;
using Testbed.Simulator.Traces;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed replay [SPEC FLAGS | --trace FILE] [--expect-hash H] [--tail N]</c>: runs a spec again with the trace
/// on, prints the trace up to the violation on stdout, and says on stderr whether it is the run it was meant to
/// be: the same trace hash as <c>--expect-hash</c>, or the same trace as the file it was read from.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var spec = new SpecOptions(withSeed: true);
        var trace = InputFileOption.Create("--trace", "Replay the run whose trace this is: its header holds the spec");
        var expectHash = new Option<ulong?>("--expect-hash")
        {
            Description = "The trace hash of the original run (as sweep and simulate print it)",
            HelpName = "HASH",
            CustomParser = r =>
            {
                if (r.Tokens is [var token] && ulong.TryParse(token.Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash))
                {
                    return hash;
                }

                r.AddError($"--expect-hash: '{string.Join(' ', r.Tokens.Select(t => t.Value))}' is not a 16-digit hexadecimal trace hash");
                return null;
            },
        };
        var tail = new Option<int?>("--tail")
        {
            Description = "Print only the last N lines of the trace",
            CustomParser = r => WholeNumberFlag.Parse(r, "--tail", 1, int.MaxValue),
        };
        var failureCase = InputFileOption.Create("--case", "Replay a failure case (as shrink writes it): its spec with its choices forced");
        var recording = InputFileOption.Create("--recording", "Replay a recording of a real server (testbed serve --record) on the simulated transport, and compare what the server writes with it");
        var saveCase = OutputFileOption.Create("--save-case", "With --recording: write the replay as a case (the recording in it) that replay --case and shrink --case take");
        var command = new Command("replay", "Run a seed again with the trace on, print the trace up to the violation, and compare it with the original") { trace, expectHash, tail, failureCase, recording, saveCase };
        spec.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(trace) is not null && (r.GetResult(spec.Seed!) is not null || r.GetValue(expectHash) is not null))
            {
                r.AddError("--trace: a trace file holds its own spec and its own trace; give it alone, without --seed or --expect-hash");
            }

            if (r.GetValue(failureCase) is not null && (r.GetValue(trace) is not null || r.GetResult(spec.Seed!) is not null || r.GetValue(expectHash) is not null))
            {
                r.AddError("--case: a case holds its own spec and choices; give it alone, without --seed, --trace or --expect-hash");
            }

            if (r.GetValue(recording) is not null && (r.GetValue(failureCase) is not null || r.GetResult(spec.Seed!) is not null || r.GetValue(expectHash) is not null))
            {
                r.AddError("--recording: a recording is the whole input of its replay; give it without --seed, --case or --expect-hash");
            }

            if (r.GetValue(saveCase) is not null && r.GetValue(recording) is null)
            {
                r.AddError("--save-case: only with --recording (shrink writes the cases of seeds)");
            }
        });
        command.SetAction(parsed => parsed.GetValue(recording) is { } recorded
            ? RecordingReplay.Run(parsed, recorded, parsed.GetValue(trace), parsed.GetValue(tail), parsed.GetValue(saveCase))
            : parsed.GetValue(failureCase) is { } file
            ? RunCase(parsed, file, parsed.GetValue(tail))
            : Run(parsed, spec, parsed.GetValue(trace), parsed.GetValue(expectHash), parsed.GetValue(tail)));
        return command;
    }

    /// <summary>A case replays its forced choices: exit 1 while its invariant still breaks, 0 once the bug is fixed.</summary>
    private static int RunCase(ParseResult parsed, FileInfo file, int? tail)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        if (!CaseFile.TryRead(file.FullName, out var failure, out var problem))
        {
            error.WriteLine("testbed: " + problem);
            return TestbedCommandLine.UsageError;
        }

        Testbed.Simulator.Scenarios.Scenario? scenario;
        try
        {
            scenario = RecordingApps.ForCase(failure!);
        }
        catch (Testbed.Simulator.Recordings.RecordingReplayException ex)
        {
            error.WriteLine($"testbed: --case {file.FullName}: {ex.Message}");
            return TestbedCommandLine.UsageError;
        }

        var result = failure!.Run(new RunOptions { Trace = true }, scenario);
        var lines = result.Trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in tail is { } n ? lines[Math.Max(0, lines.Length - n)..] : lines)
        {
            output.WriteLine(line);
        }

        error.WriteLine(result.Summary());
        if (result.Failure is null)
        {
            error.WriteLine($"the case passes: {failure.Invariant} no longer breaks");
            return 0;
        }

        FailureReport.Write(error, result, withTail: false, replay: $"{ReplayLine.Program} replay --case {file.FullName}");
        if (result.Failure.Invariant != failure.Invariant)
        {
            error.WriteLine($"the case broke {result.Failure.Invariant}, not the {failure.Invariant} it was shrunk for");
        }

        return 1;
    }

    private static int Run(ParseResult parsed, SpecOptions options, FileInfo? traceFile, ulong? expectHash, int? tail)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        var original = string.Empty;
        var spec = options.Read(parsed);
        if (traceFile is not null)
        {
            if (!TraceFile.TryRead(traceFile.FullName, out var fromFile, out original, out var problem))
            {
                error.WriteLine("testbed: " + problem);
                return TestbedCommandLine.UsageError;
            }

            spec = fromFile!;
        }

        var result = Runner.Run(spec, new RunOptions { Trace = true });
        var lines = result.Trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in tail is { } n ? lines[Math.Max(0, lines.Length - n)..] : lines)
        {
            output.WriteLine(line);
        }

        error.WriteLine(result.Summary());
        if (result.Failure is not null)
        {
            FailureReport.Write(error, result, withTail: false);
        }

        var same = Compare(error, result, traceFile is null ? null : original, expectHash);
        return result.Failure is null && same ? 0 : 1;
    }

    internal static bool Compare(TextWriter error, RunResult result, string? original, ulong? expectHash)
    {
        if (original is not null)
        {
            var divergence = TraceDiff.FirstDivergence(original, result.Trace!);
            error.WriteLine(divergence is null ? "the replay's trace is the original's, line for line" : "the replay differs from the original: " + divergence.Describe("original", "replay"));
            return divergence is null;
        }

        if (expectHash is { } hash)
        {
            var same = hash == result.TraceHash;
            error.WriteLine(same
                ? $"the replay's trace hash {hash:x16} is the original's"
                : $"the replay's trace hash {result.TraceHash:x16} differs from the original's {hash:x16}: the engine, the mock or the scenario changed since");
            return same;
        }

        return true;
    }
}
