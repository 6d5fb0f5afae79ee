using System.CommandLine;
using System.Globalization;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock;

namespace Testbed.Cli;

/// <summary>
/// <c>testbed simulate [--seed N] [--connections N] [--requests N] [--bytes N] [--max-events N] [--trace FILE|-]</c>: the keep-alive
/// scenario on the mock transport. One seed always gives the same trace, so a failing seed is a replayable bug.
/// </summary>
public static class SimulateCommand
{
    /// <summary>The seed when none is given, so a bare <c>testbed simulate</c> is itself reproducible.</summary>
    public const ulong DefaultSeed = 1;

    public static Command Create()
    {
        var standard = new KeepAliveScenario();
        var seed = new Option<ulong?>("--seed")
        {
            Description = $"Seed for every random choice the simulation makes (default {DefaultSeed})",
            CustomParser = r => WholeNumberFlag.Parse(r, "--seed", ulong.MinValue, ulong.MaxValue),
        };
        var connections = new Option<int?>("--connections")
        {
            Description = $"Client connections (default {standard.Connections})",
            CustomParser = r => WholeNumberFlag.Parse(r, "--connections", 1, 10_000),
        };
        var requests = new Option<int?>("--requests")
        {
            Description = $"Keep-alive requests per connection (default {standard.RequestsPerConnection})",
            CustomParser = r => WholeNumberFlag.Parse(r, "--requests", 1, 10_000),
        };
        var bytes = new Option<int?>("--bytes")
        {
            Description = $"Bytes in each response body (default {standard.ResponseBytes})",
            CustomParser = r => WholeNumberFlag.Parse(r, "--bytes", 0, 16 * 1024 * 1024),
        };
        var maxEvents = new Option<long?>("--max-events")
        {
            Description = $"Fail when one step of the scenario runs more events than this: it did not settle (default {new SimulationOptions().MaxEventsPerRun})",
            CustomParser = r => WholeNumberFlag.Parse(r, "--max-events", 1L, long.MaxValue),
        };
        var trace = new Option<string?>("--trace")
        {
            Description = "Write the full trace to FILE, or to stdout for '-' (the summary line then goes to stderr)",
            HelpName = "FILE",
        };
        trace.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && path != "-" && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                r.AddError($"--trace: directory not found for {Path.GetFullPath(path)}");
            }
        });

        var command = new Command("simulate", "Run the keep-alive scenario on the simulated transport and print one summary line")
        {
            seed, connections, requests, bytes, maxEvents, trace,
        };
        command.SetAction(result => Run(
            result,
            result.GetValue(seed) ?? DefaultSeed,
            new KeepAliveScenario
            {
                Connections = result.GetValue(connections) ?? standard.Connections,
                RequestsPerConnection = result.GetValue(requests) ?? standard.RequestsPerConnection,
                ResponseBytes = result.GetValue(bytes) ?? standard.ResponseBytes,
            },
            result.GetValue(maxEvents),
            result.GetValue(trace)));
        return command;
    }

    private static int Run(ParseResult parsed, ulong seed, KeepAliveScenario scenario, long? maxEvents, string? tracePath)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        var options = new SimulationOptions();
        options.MaxEventsPerRun = maxEvents ?? options.MaxEventsPerRun;
        ScenarioResult result;
        try
        {
            result = scenario.Run(seed, options);
        }
        catch (SimulationException ex)
        {
            error.WriteLine($"testbed: seed {seed} failed: {FirstLine(ex.Message)} (replay: {Replay(seed, scenario, options)})");
            return 1;
        }

        if (tracePath == "-")
        {
            output.Write(result.Trace);
            error.WriteLine(Summary(result)); // stdout is the trace's alone, so it can be piped.
            return 0;
        }

        if (tracePath is not null && !TryWrite(tracePath, result.Trace, error))
        {
            return 1;
        }

        output.WriteLine(Summary(result));
        return 0;
    }

    private static bool TryWrite(string path, string trace, TextWriter error)
    {
        try
        {
            File.WriteAllText(path, trace);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"testbed: cannot write the trace to {path}: {ex.Message}");
            return false;
        }
    }

    /// <summary>key=value pairs, so a seed sweep can grep and compare them.</summary>
    private static string Summary(ScenarioResult result) => string.Create(
        CultureInfo.InvariantCulture,
        $"seed={result.Seed} requests={result.Requests} events={result.Events} virtual_seconds={result.VirtualMicros / 1_000_000}.{result.VirtualMicros % 1_000_000:D6} trace_hash={result.TraceHash:x16}");

    private static string Replay(ulong seed, KeepAliveScenario scenario, SimulationOptions options) => string.Create(
        CultureInfo.InvariantCulture,
        $"testbed simulate --seed {seed} --connections {scenario.Connections} --requests {scenario.RequestsPerConnection} --bytes {scenario.ResponseBytes} --max-events {options.MaxEventsPerRun}");

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');
}
