using System.CommandLine;
using System.Globalization;
using Testbed.Simulator.Recordings;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Shrinking;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Recording;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed replay --recording FILE [--trace FILE] [--tail N] [--save-case FILE]</c>: replays a real server's
/// recording on the simulated transport. The trace goes to stdout (its last N lines with --tail), as every replay's
/// does; stderr gets the plan (connections, loops, settings), each connection's verdict, the invariants' and the
/// summary with the trace hash. Exit 0 when every connection matches and no invariant broke (and the trace is
/// --trace's), 1 otherwise, 2 when the recording cannot be replayed.
/// </summary>
internal static class RecordingReplay
{
    public static int Run(ParseResult parsed, FileInfo file, FileInfo? traceFile, int? tail, string? saveCase)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        Recording recording;
        RecordingScenario scenario;
        try
        {
            recording = Recording.Load(file.FullName);
            scenario = RecordingApps.Scenario(recording);
        }
        catch (RecordingFormatException ex)
        {
            error.WriteLine("testbed: " + ex.Message);
            return TestbedCommandLine.UsageError;
        }
        catch (Exception ex) when (ex is RecordingReplayException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"testbed: --recording {file.FullName}: {ex.Message}");
            return TestbedCommandLine.UsageError;
        }

        string? original = null;
        if (traceFile is not null)
        {
            if (!TraceFile.TryRead(traceFile.FullName, out var traced, out original, out var problem))
            {
                error.WriteLine("testbed: " + problem);
                return TestbedCommandLine.UsageError;
            }

            if (!traced!.Equals(scenario.Spec))
            {
                error.WriteLine($"testbed: --trace {traceFile.FullName} is the trace of {traced}, not of this recording's replay ({scenario.Spec})");
                return TestbedCommandLine.UsageError;
            }
        }

        WritePlan(error, file.FullName, recording, scenario);
        var choices = new RecordingChoices(scenario.DefaultChoices(scenario.Spec));
        var result = scenario.Replay(new RunOptions { Trace = true, Choices = choices });
        var lines = result.Trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in tail is { } n ? lines[Math.Max(0, lines.Length - n)..] : lines)
        {
            output.WriteLine(line);
        }

        var report = scenario.LastReport!;
        foreach (var connection in report.Connections)
        {
            error.WriteLine("  " + connection.Describe());
        }

        var stopped = result.Failure is { } broke && broke.Invariant != RecordingScenario.MatchInvariant
            ? $" (the run stopped at {broke.Invariant}'s violation, {broke.VirtualTime} s in: compared as far as it got)"
            : string.Empty;
        error.WriteLine(report.Matches
            ? $"output: every connection matches the recording ({report.Connections.Count} connections){stopped}"
            : $"output: {report.Connections.Count(c => !c.Matches && c.Kept)} of {report.Connections.Count} connections diverge; the first: {report.FirstDivergence}{stopped}");
        error.WriteLine(result.Failure is null || result.Failure.Invariant == RecordingScenario.MatchInvariant
            ? "invariants: every invariant held"
            : string.Create(CultureInfo.InvariantCulture, $"invariants: {result.Failure.Invariant} broke at event {result.Failure.EventNumber}, trace line {result.Failure.TraceLine} ({result.Failure.VirtualTime} s): {result.Failure.Detail}"));
        error.WriteLine(result.Summary());
        var same = ReplayCommand.Compare(error, result, original, expectHash: null);

        if (saveCase is not null)
        {
            var failure = new FailureCase(scenario.Spec, result.Failure?.Invariant ?? RecordingScenario.MatchInvariant, choices.Log) { Recording = recording };
            if (!TraceFile.TryWrite(saveCase, failure.Format(), output, error, "the case"))
            {
                return 1;
            }

            error.WriteLine($"case: {saveCase}");
            error.WriteLine($"  replay: {ReplayLine.Program} replay --case {saveCase}");
        }

        return result.Failure is null && same ? 0 : 1;
    }

    private static void WritePlan(TextWriter error, string path, Recording recording, RecordingScenario scenario)
    {
        var header = recording.Header;
        var end = recording.Events.Count == 0 ? 0 : recording.Events[^1].Micros;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recording {path}: {scenario.Plan.Count} connections over {end / 1e6:0.000000} s, {header.Loops} loops, bodies={header.Bodies.ToString().ToLowerInvariant()}, started {header.Started:O}{(recording.Footer is null ? ", no footer (cut short)" : string.Empty)}"));
        error.WriteLine($"settings used: {Pairs(scenario.Settings.Used)}{(scenario.Settings.Ignored.Count > 0 ? $"; not used: {Pairs(scenario.Settings.Ignored)}" : string.Empty)}; app {scenario.Settings.App ?? RecordingApps.BuiltIn + " (none named)"}");
        foreach (var c in scenario.Plan)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  connection {c.Connection}: loop {c.Loop}, accepted at {c.AcceptMicros / 1e6:0.000000} s, {c.Reads} reads ({c.BytesIn} bytes){(c.ClientFin ? ", FIN" : string.Empty)}{(c.ClientReset ? ", reset" : string.Empty)}, {c.Writes} writes ({c.BytesOut} bytes)"));
        }
    }

    private static string Pairs(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        pairs.Count == 0 ? "(none)" : string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"));
}
