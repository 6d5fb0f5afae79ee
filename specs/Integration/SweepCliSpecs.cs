using System.Text.Json;
using System.Xml.Linq;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Shrinking;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed sweep</c>: a summary, the coverage table, failures by invariant with their exact replay commands, files for tools, exit 1 on any violation.</summary>
public sealed class SweepCliSpecs
{
    [Theory]
    [InlineData("--seeds", "10..1")]
    [InlineData("--seeds", "abc")]
    [InlineData("--jobs", "0")]
    [InlineData("--check-determinism=sometimes", null)]
    [InlineData("--json", "/nonexistent/sweep.json")]
    [InlineData("--junit", "/nonexistent/sweep.xml")]
    [InlineData("--scenario", "nope")]
    [InlineData("--write-fail", "5")]
    public async Task A_bad_flag_is_one_line_naming_it_and_exit_code_2(string flag, string? value)
    {
        var run = await TestbedCli.RunAsync(value is null ? ["sweep", flag] : ["sweep", flag, value]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag.Split('=')[0], Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_counts_calls_for_tier_up_from_its_start()
    {
        // A sweep's new paths kept postponing the runtime's call counting, and the optimised code with it.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testbed.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs", out var delay));
        Assert.Equal(0, delay.GetInt32());
    }

    [Fact]
    public async Task A_clean_sweep_prints_its_summary_and_coverage_and_exits_0()
    {
        var run = await TestbedCli.RunAsync("sweep", "--seeds", "1..30", "--jobs", "2", "--check-determinism=5");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("sweep of http", run.Output, StringComparison.Ordinal);
        Assert.Contains(run.OutputLines, line => line.TrimStart().StartsWith("1..30 ", StringComparison.Ordinal));
        Assert.All(Coverage.All, row => Assert.Contains(run.OutputLines, line => line.TrimStart().StartsWith(row.Name + " ", StringComparison.Ordinal)));
        Assert.Contains("no violations", run.Output, StringComparison.Ordinal);
        Assert.Contains("determinism: 5 seeds run twice more, traced: every trace and outcome the same", run.Output, StringComparison.Ordinal);
        Assert.Contains("sweep: 30/30 seeds, 0 failed", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_sweep_groups_failures_by_invariant_with_replay_commands_writes_its_files_and_exits_1()
    {
        var json = Path.GetTempFileName();
        var junit = Path.GetTempFileName();
        try
        {
            var run = await TestbedCli.RunAsync("sweep", "--scenario", "keepalive", "--seeds", "1..3", "--connections", "2", "--requests", "1", "--max-events", "20", "--json", json, "--junit", junit);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("3 seeds broke an invariant:", run.Output, StringComparison.Ordinal);
            Assert.Contains("  liveness: 3 seeds (1, 2, 3)", run.Output, StringComparison.Ordinal);
            Assert.Contains(run.OutputLines, line => line.StartsWith("not reached by any seed: write-delayed, write-held, write-failed,", StringComparison.Ordinal));
            var spec = new RunSpec("keepalive", 2, new Dictionary<string, long?> { ["connections"] = 2, ["requests"] = 1, ["max-events"] = 20 });
            var hash = Runner.Run(spec, new RunOptions { Trace = true }).TraceHash!.Value;
            Assert.Contains($"      testbed replay {spec} --expect-hash {hash:x16}", run.OutputLines);

            using var results = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal(3, results.RootElement.GetProperty("failures").GetArrayLength());
            Assert.Equal("liveness", results.RootElement.GetProperty("failures")[0].GetProperty("invariant").GetString());
            var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
            Assert.Equal("3", suite.Attribute("tests")!.Value);
            Assert.Equal("3", suite.Attribute("failures")!.Value);
        }
        finally
        {
            File.Delete(json);
            File.Delete(junit);
        }
    }

    [Fact]
    public async Task A_regression_case_that_breaks_again_fails_the_sweep_and_the_seeds_still_run()
    {
        var folder = Directory.CreateTempSubdirectory("testbed-regressions-");
        try
        {
            // A case that breaks liveness by construction: 10 events cannot settle two keep-alive clients.
            var spec = new RunSpec("keepalive", 1, new Dictionary<string, long?> { ["connections"] = 2, ["requests"] = 1, ["max-events"] = 10 });
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "liveness.json"), new FailureCase(spec, "liveness", []).Format());

            var run = await TestbedCli.RunAsync("sweep", "--scenario", "keepalive", "--seeds", "1..3", "--connections", "2", "--requests", "1", "--regressions", folder.FullName);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("regressions: 1 cases, 0 pass", run.OutputLines);
            Assert.Contains(run.OutputLines, line => line.StartsWith("  liveness.json broke liveness again: ", StringComparison.Ordinal));
            Assert.Contains("no violations", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_regression_folder_with_a_file_that_is_not_a_case_is_one_line_naming_it_and_exit_code_2()
    {
        var folder = Directory.CreateTempSubdirectory("testbed-regressions-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "bad.json"), "{}");

            var run = await TestbedCli.RunAsync("sweep", "--seeds", "1..2", "--regressions", folder.FullName);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("bad.json", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_regression_folder_with_a_recording_case_on_an_app_the_command_cannot_build_is_one_line_naming_it_and_exit_code_2()
    {
        var folder = Directory.CreateTempSubdirectory("testbed-regressions-");
        try
        {
            var corpusCase = Path.Combine(RepositoryRoot.Path, "simulation", "regression-cases", "handle-lifecycle-recording-11395721674754964259.json");
            var text = (await File.ReadAllTextAsync(corpusCase)).Replace("\"App\":\"builtin\"", "\"App\":\"shop\"", StringComparison.Ordinal);
            Assert.Contains("\"App\":\"shop\"", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "shop.json"), text);

            var run = await TestbedCli.RunAsync("sweep", "--seeds", "1..2", "--regressions", folder.FullName);

            Assert.Equal(2, run.ExitCode);
            var line = Assert.Single(run.ErrorLines);
            Assert.Contains("shop.json", line, StringComparison.Ordinal);
            Assert.Contains("the recording's app is 'shop'", line, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
