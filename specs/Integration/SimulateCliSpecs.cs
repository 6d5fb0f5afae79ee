using Testbed.Simulator.Runs;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// <c>testbed simulate</c>: one summary line and exit 0; a broken invariant names itself, the event and the command
/// that replays it, and exits 1 with the trace still written; a bad flag is one line naming it and exit 2.
/// </summary>
public sealed class SimulateCliSpecs
{
    private static readonly RunSpec Small = new("keepalive", 7, new Dictionary<string, long?> { ["connections"] = 3, ["requests"] = 2, ["bytes"] = 500 });

    [Theory]
    [InlineData("--seed", "abc")]
    [InlineData("--seed", "-1")]
    [InlineData("--seed", "18446744073709551616")]
    [InlineData("--connections", "0")]
    [InlineData("--requests", "many")]
    [InlineData("--bytes", "-5")]
    [InlineData("--max-events", "0")]
    [InlineData("--write-fail", "2")]
    [InlineData("--write-fail", "0.0000001")]
    [InlineData("--response-buffer", "lots")]
    [InlineData("--scenario", "nope")]
    [InlineData("--trace", "/nonexistent/trace.txt")]
    [InlineData("--choices", "/nonexistent/choices.jsonl")]
    [InlineData("--record-choices", "/nonexistent/choices.jsonl")]
    [InlineData("--bogus", "1")]
    public async Task A_bad_flag_is_one_line_naming_it_and_exit_code_2(string flag, string value)
    {
        var run = await TestbedCli.RunAsync("simulate", flag, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("--seed")]
    [InlineData("--trace")]
    [InlineData("--write-fail")]
    public async Task A_flag_without_its_value_is_one_line_naming_it_and_exit_code_2(string flag)
    {
        var run = await TestbedCli.RunAsync("simulate", flag);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_knob_the_scenario_does_not_have_is_one_line_naming_it_and_exit_code_2()
    {
        var run = await TestbedCli.RunAsync("simulate", "--scenario", "keepalive", "--write-fail", "0.1");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("testbed: --write-fail: scenario 'keepalive' has no such knob", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_recorded_choice_log_forced_back_runs_the_same_trace()
    {
        using var temp = new TempFile();
        var log = temp.Path;
        var recorded = await TestbedCli.RunAsync("simulate", "--seed", "42", "--record-choices", log);
        var forced = await TestbedCli.RunAsync("simulate", "--seed", "42", "--choices", log);

        Assert.Equal(0, recorded.ExitCode);
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("trace_hash=", recorded.Output, StringComparison.Ordinal);
        Assert.Equal(recorded.Output, forced.Output);
    }

    [Fact]
    public async Task A_choice_log_with_a_bad_line_is_one_line_naming_the_file_and_the_line_and_exit_code_2()
    {
        using var temp = new TempFile();
        var log = temp.Path;
        await File.WriteAllTextAsync(log, "{\"stream\":\"net\",\"decision\":\"x\",\"value\":1,\"bound\":4}\n{\"stream\":\"net\"}\n");
        var run = await TestbedCli.RunAsync("simulate", "--choices", log);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(log, line, StringComparison.Ordinal);
        Assert.Contains("line 2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_run_prints_the_runners_summary_line()
    {
        var expected = Runner.Run(Small, new RunOptions { Trace = true });

        var run = await TestbedCli.RunAsync(["simulate", .. Small.ToArgs()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.ErrorLines);
        Assert.Equal(expected.Summary(), Assert.Single(run.OutputLines));
        Assert.StartsWith("scenario=keepalive seed=7 result=pass requests=6 ", expected.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_seed_or_a_scenario_the_run_uses_the_defaults_the_help_names()
    {
        var help = await TestbedCli.RunAsync("simulate", "--help");
        var run = await TestbedCli.RunAsync("simulate");

        Assert.Contains(help.OutputLines, line => line.Contains("--seed", StringComparison.Ordinal) && line.Contains("(default 1)", StringComparison.Ordinal));
        Assert.Equal(Runner.Run(new RunSpec("http", 1), new RunOptions { Trace = true }).Summary(), Assert.Single(run.OutputLines));
    }

    [Fact]
    public async Task Explain_prints_every_knob_of_the_plan_with_its_value_and_whether_it_was_set_or_drawn()
    {
        var run = await TestbedCli.RunAsync("simulate", "--seed", "3", "--write-fail", "0.25", "--explain");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutputLines, line => line.StartsWith("write-fail ", StringComparison.Ordinal) && line.Contains(" 0.25 ", StringComparison.Ordinal) && line.Contains(" set ", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, line => line.StartsWith("loops ", StringComparison.Ordinal) && line.Contains(" drawn ", StringComparison.Ordinal));
        Assert.Equal(Runner.Run(new RunSpec("http", 3)).Plan.Entries.Count, run.OutputLines.Count(line => line.Contains(" drawn ", StringComparison.Ordinal) || line.Contains(" set ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Trace_dash_writes_the_exact_trace_to_stdout_and_the_summary_to_stderr()
    {
        var expected = Runner.Run(Small, new RunOptions { Trace = true });

        var run = await TestbedCli.RunAsync(["simulate", .. Small.ToArgs(), "--trace", "-"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected.Trace, run.Output);
        Assert.Equal(expected.Summary(), Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task A_broken_invariant_names_it_gives_its_replay_command_and_the_trace_tail_and_writes_the_trace_file()
    {
        var failing = Small.With(Testbed.Simulator.Faults.Knobs.MaxEvents, 20);
        using var temp = new TempFile();
        var file = temp.Path;
        var run = await TestbedCli.RunAsync(["simulate", .. failing.ToArgs(), "--trace", file]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("result=fail:liveness", run.Output, StringComparison.Ordinal);
        Assert.StartsWith("testbed: seed 7 broke liveness at event ", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("did not settle within 20 events", run.ErrorLines[0], StringComparison.Ordinal);
        var hash = Runner.Run(failing, new RunOptions { Trace = true }).TraceHash!.Value;
        Assert.Equal($"  replay: testbed replay {failing} --expect-hash {hash:x16}", run.ErrorLines[1]);
        Assert.Contains(run.ErrorLines, line => line.StartsWith("  the last ", StringComparison.Ordinal));
        var trace = File.ReadAllText(file);
        Assert.StartsWith($"# testbed simulation trace v2\n# seed 7\n# spec {failing.ToJson()}\n", trace, StringComparison.Ordinal);
    }
}
