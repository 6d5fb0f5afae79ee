using System.CommandLine;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed simulate [--scenario NAME] [--seed N] [--KNOB VALUE ...] [--trace FILE|-] [--explain] [--choices FILE]
/// [--record-choices FILE]</c>: one run on
/// the simulated transport, one summary line. A broken invariant prints its name, the event, the command that
/// replays it and the trace's tail, and exits 1; the trace file is written either way.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var spec = new SpecOptions(withSeed: true);
        var trace = OutputFileOption.Create("--trace", "Write the whole trace to FILE, or to stdout for '-' (the summary then goes to stderr)");
        var explain = new Option<bool>("--explain") { Description = "Print the run's plan (every knob, set or drawn) before running it" };
        var choices = new ChoiceOptions();
        var command = new Command("simulate", "Run one seed of a scenario on the simulated transport and print one summary line") { trace, explain };
        spec.AddTo(command);
        choices.AddTo(command);
        command.SetAction(parsed => Run(parsed, spec.Read(parsed), parsed.GetValue(trace), parsed.GetValue(explain), choices));
        return command;
    }

    private static int Run(ParseResult parsed, RunSpec spec, string? tracePath, bool explain, ChoiceOptions choices)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        if (choices.Source(parsed, spec.Seed, out var problem) is not { } source)
        {
            error.WriteLine("testbed: " + problem);
            return TestbedCommandLine.UsageError;
        }

        var recording = choices.RecordPath(parsed) is null ? null : new RecordingChoices(source);
        var result = Runner.Run(spec, new RunOptions { Trace = true, Choices = (IChoiceSource?)recording ?? source });
        if (recording is not null && !TraceFile.TryWrite(choices.RecordPath(parsed)!, ChoiceLogFile.Format(recording.Log), output, error, "the choice log"))
        {
            return 1;
        }

        var summary = tracePath == "-" ? error : output; // stdout is the trace's alone when it is piped.
        if (explain)
        {
            summary.WriteLine($"plan of {spec}:");
            summary.Write(result.Plan.Explain());
        }

        if (tracePath is not null && !TraceFile.TryWrite(tracePath, result.Trace!, output, error))
        {
            return 1;
        }

        summary.WriteLine(result.Summary());
        if (result.Failure is null)
        {
            return 0;
        }

        FailureReport.Write(error, result);
        return 1;
    }
}
