using System.Globalization;
using Testbed.Cli;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed simulate</c>: one summary line and exit 0; a failed seed is one line naming it and exit 1; bad flags exit 2.</summary>
public sealed class SimulateCliSpecs
{
    private static readonly KeepAliveScenario Small = new() { Connections = 3, RequestsPerConnection = 2, ResponseBytes = 500 };

    [Theory]
    [InlineData("--seed", "abc")]
    [InlineData("--seed", "-1")]
    [InlineData("--seed", "18446744073709551616")]
    [InlineData("--connections", "0")]
    [InlineData("--requests", "many")]
    [InlineData("--bytes", "-5")]
    [InlineData("--max-events", "0")]
    [InlineData("--trace", "/nonexistent/trace.txt")]
    [InlineData("--bogus", "1")]
    public async Task A_bad_flag_is_one_line_naming_it_and_exit_code_2(string flag, string value)
    {
        var run = await SimulateAsync(flag, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("--seed")]
    [InlineData("--trace")]
    public async Task A_flag_without_its_value_is_one_line_naming_it_and_exit_code_2(string flag)
    {
        var run = await SimulateAsync(flag);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_run_prints_one_summary_line_of_what_the_scenario_produced()
    {
        var expected = Small.Run(7);

        var run = await SimulateAsync(ScenarioArgs(Small, seed: 7));

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.ErrorLines);
        var summary = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(
            $"seed=7 requests={expected.Requests} events={expected.Events} virtual_seconds={Seconds(expected.VirtualMicros)} trace_hash={expected.TraceHash:x16}",
            summary);
    }

    [Fact]
    public async Task Without_a_seed_the_run_uses_the_default_seed_the_help_names()
    {
        var help = await SimulateAsync("--help");
        var run = await SimulateAsync(ScenarioArgs(Small));

        Assert.Contains(help.Output.Split('\n'), line => line.Contains("--seed", StringComparison.Ordinal) && line.Contains($"(default {SimulateCommand.DefaultSeed})", StringComparison.Ordinal));
        Assert.StartsWith($"seed={SimulateCommand.DefaultSeed} ", run.Output, StringComparison.Ordinal);
        Assert.Contains($"trace_hash={Small.Run(SimulateCommand.DefaultSeed).TraceHash:x16}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_dash_writes_the_exact_trace_to_stdout_and_the_summary_to_stderr()
    {
        var expected = Small.Run(3);

        var run = await SimulateAsync([.. ScenarioArgs(Small, seed: 3), "--trace", "-"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected.Trace, run.Output);
        Assert.StartsWith("seed=3 ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_file_receives_the_exact_trace()
    {
        var expected = Small.Run(3);
        var file = Path.GetTempFileName();
        try
        {
            var run = await SimulateAsync([.. ScenarioArgs(Small, seed: 3), "--trace", file]);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal(expected.Trace, File.ReadAllText(file));
            Assert.StartsWith("seed=3 ", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_failed_scenario_is_one_line_naming_the_seed_and_how_to_replay_it_and_exit_code_1()
    {
        var run = await SimulateAsync([.. ScenarioArgs(Small, seed: 9), "--max-events", "20"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("testbed: seed 9 failed: ", line, StringComparison.Ordinal);
        Assert.Contains("testbed simulate --seed 9 --connections 3 --requests 2 --bytes 500 --max-events 20", line, StringComparison.Ordinal);
        Assert.Throws<SimulationException>(() => Small.Run(9, new SimulationOptions { MaxEventsPerRun = 20 }));
    }

    private static string[] ScenarioArgs(KeepAliveScenario scenario, ulong? seed = null) =>
    [
        .. seed is { } s ? new[] { "--seed", s.ToString(CultureInfo.InvariantCulture) } : [],
        "--connections", scenario.Connections.ToString(CultureInfo.InvariantCulture),
        "--requests", scenario.RequestsPerConnection.ToString(CultureInfo.InvariantCulture),
        "--bytes", scenario.ResponseBytes.ToString(CultureInfo.InvariantCulture),
    ];

    private static string Seconds(long micros) => string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");

    private static async Task<(int ExitCode, string Output, string[] ErrorLines)> SimulateAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };

        var exitCode = await TestbedCommandLine.RunAsync(["simulate", .. args], error, output);

        return (exitCode, output.ToString(), error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
