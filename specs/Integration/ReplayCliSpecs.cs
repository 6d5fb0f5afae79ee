using Testbed.Simulator.Runs;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed replay</c>: the run again with the trace on, printed up to the violation, compared with the original.</summary>
public sealed class ReplayCliSpecs
{
    private static readonly RunSpec Failing = new("keepalive", 4, new Dictionary<string, long?> { ["connections"] = 2, ["requests"] = 1, ["max-events"] = 20 });

    [Fact]
    public async Task A_pasted_replay_command_reproduces_the_violation_and_confirms_the_trace_hash()
    {
        var original = Runner.Run(Failing, new RunOptions { Trace = true });

        var run = await TestbedCli.RunAsync(["replay", .. Failing.ToArgs(), "--expect-hash", $"{original.TraceHash:x16}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(original.Trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries), run.OutputLines);
        Assert.Contains($"broke liveness at event {original.Failure!.EventNumber}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"the replay's trace hash {original.TraceHash:x16} is the original's", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_printed_replay_line_starts_with_the_command_testbed_was_run_as()
    {
        // scripts/testbed sets TESTBED_COMMAND to itself, so the line it prints pastes back into the same shell.
        var hash = Runner.Run(Failing, new RunOptions { Trace = true }).TraceHash!.Value;

        var exit = await TestbedProcess.RunAsync(new Dictionary<string, string> { ["TESTBED_COMMAND"] = "scripts/testbed" }, ["simulate", .. Failing.ToArgs()]);

        Assert.Equal(1, exit.Code);
        Assert.Contains($"  replay: scripts/testbed replay {Failing} --expect-hash {hash:x16}\n", exit.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trace_files_header_alone_is_enough_to_replay_it_line_for_line()
    {
        using var temp = new TempFile();
        var file = temp.Path;
        Assert.Equal(1, (await TestbedCli.RunAsync(["simulate", .. Failing.ToArgs(), "--trace", file])).ExitCode);

        var run = await TestbedCli.RunAsync("replay", "--trace", file, "--tail", "5");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(5, run.OutputLines.Length);
        Assert.Contains("broke liveness", run.Error, StringComparison.Ordinal);
        Assert.Contains("the replay's trace is the original's, line for line", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replay_that_differs_from_its_original_says_where()
    {
        using var temp = new TempFile();
        var file = temp.Path;
        var passing = new RunSpec("http", 9);
        await TestbedCli.RunAsync(["simulate", .. passing.ToArgs(), "--trace", file]);
        var lines = File.ReadAllLines(file);
        lines[^3] = lines[^3] + " tampered";
        File.WriteAllText(file, string.Join('\n', lines) + "\n");

        var run = await TestbedCli.RunAsync("replay", "--trace", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"the replay differs from the original: traces diverge at line {lines.Length - 2}", run.Error, StringComparison.Ordinal);
        Assert.Contains("tampered", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_hash_says_the_replay_differs()
    {
        var run = await TestbedCli.RunAsync("replay", "--scenario", "http", "--seed", "9", "--expect-hash", "0123456789abcdef");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("differs from the original's 0123456789abcdef", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--trace", "/nonexistent/trace.txt")]
    [InlineData("--expect-hash", "xyz")]
    [InlineData("--tail", "0")]
    public async Task A_bad_flag_is_one_line_naming_it_and_exit_code_2(string flag, string value)
    {
        var run = await TestbedCli.RunAsync("replay", flag, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_no_trace_is_one_line_naming_it_and_exit_code_2()
    {
        using var temp = new TempFile();
        var file = temp.Path;
        File.WriteAllText(file, "hello\n");

        var run = await TestbedCli.RunAsync("replay", "--trace", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"testbed: --trace: {file} has no '# spec' header line: it is not a trace of testbed simulate, sweep or replay", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Shrinking_a_seed_that_passes_is_one_line_naming_it_and_exit_code_2()
    {
        var run = await TestbedCli.RunAsync("shrink", "--scenario", "keepalive", "--seed", "3", "--connections", "2", "--requests", "2");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("testbed: --scenario keepalive --seed 3 --connections 2 --requests 2 passes: nothing to shrink", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_case_file_that_is_not_a_case_is_one_line_naming_it_and_exit_code_2()
    {
        using var temp = new TempFile();
        var file = temp.Path;
        await File.WriteAllTextAsync(file, "{\"spec\":{}}");
        var run = await TestbedCli.RunAsync("replay", "--case", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(file, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
