using System.Xml.Linq;
using Testbed.Simulator.Snapshots;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed report</c>: the behaviour suite against a baseline, as HTML, Markdown and JUnit, with exit 1 for a regression.</summary>
public sealed class ReportCliSpecs : IDisposable
{
    private readonly DirectoryInfo _baseline = Directory.CreateTempSubdirectory("testbed-baseline-");
    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("testbed-report-");

    public ReportCliSpecs()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, SnapshotSuites.DefaultFolder), "*" + SnapshotStore.VerifiedSuffix))
        {
            File.Copy(file, Path.Combine(_baseline.FullName, Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        _baseline.Delete(recursive: true);
        _out.Delete(recursive: true);
    }

    [Fact]
    public async Task Against_the_committed_snapshots_every_case_is_unchanged_and_it_exits_0()
    {
        var run = await TestbedCli.RunAsync("report", "--baseline", _baseline.FullName, "--out", _out.FullName);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"report of behaviour: {BehaviourSuite.Suite.Cases.Count} cases: {BehaviourSuite.Suite.Cases.Count} unchanged", run.Output, StringComparison.Ordinal);
        var suite = XDocument.Load(Path.Combine(_out.FullName, "junit.xml")).Root!.Element("testsuite")!;
        Assert.Equal(BehaviourSuite.Suite.Cases.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), suite.Attribute("tests")!.Value);
        Assert.Equal("0", suite.Attribute("failures")!.Value);
        Assert.All(BehaviourSuite.Suite.Cases, c => Assert.True(File.Exists(Path.Combine(_out.FullName, "traces", c.Name + ".trace.txt")), c.Name));
        var html = File.ReadAllText(Path.Combine(_out.FullName, "index.html"));
        Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_line_is_a_regression_reported_at_that_line_in_every_format()
    {
        var path = Path.Combine(_baseline.FullName, "behaviour.pipelining.verified.txt");
        var lines = File.ReadAllLines(path);
        var planted = Array.FindIndex(lines, line => line.Contains(" srv.response ", StringComparison.Ordinal));
        lines[planted] = lines[planted].Replace(" 200", " 201", StringComparison.Ordinal);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");

        var run = await TestbedCli.RunAsync("report", "--baseline", _baseline.FullName, "--out", _out.FullName);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"  pipelining: changed from line {planted + 1}", run.OutputLines);
        var failure = XDocument.Load(Path.Combine(_out.FullName, "junit.xml")).Descendants("testcase").Single(c => c.Attribute("name")!.Value == "pipelining").Element("failure")!;
        Assert.Contains($"- {lines[planted]}", failure.Value, StringComparison.Ordinal);
        Assert.Contains("### pipelining: changed", File.ReadAllText(Path.Combine(_out.FullName, "report.md")), StringComparison.Ordinal);
        Assert.Contains($"<tr class=\"modified first-divergence\" id=\"first-pipelining\"><td class=\"num\">{planted + 1}</td>", File.ReadAllText(Path.Combine(_out.FullName, "index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_baseline_snapshot_whose_case_is_gone_is_missing_and_fails()
    {
        File.WriteAllText(Path.Combine(_baseline.FullName, "behaviour.gone.verified.txt"), "# gone\n");

        var run = await TestbedCli.RunAsync("report", "--baseline", _baseline.FullName, "--out", _out.FullName);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("  gone: missing", run.OutputLines);
    }

    [Theory]
    [InlineData("true", 1)]
    [InlineData("false", 0)]
    public async Task A_new_case_fails_on_a_build_server_where_nothing_is_written_into_the_baseline(string ci, int exitCode)
    {
        File.Delete(Path.Combine(_baseline.FullName, "behaviour.chunked.verified.txt"));
        var environment = new Dictionary<string, string> { ["CI"] = ci, ["GITHUB_ACTIONS"] = string.Empty, ["GITLAB_CI"] = string.Empty, ["TF_BUILD"] = string.Empty };

        var run = await TestbedProcess.RunAsync(environment, "report", "--baseline", _baseline.FullName, "--out", _out.FullName);

        Assert.Equal(exitCode, run.Code);
        Assert.Contains("  chunked: new", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_baseline.FullName, "behaviour.chunked.verified.txt")));
        Assert.Equal(ci == "false", File.Exists(Path.Combine(_baseline.FullName, "behaviour.chunked.received.txt")));
    }

    [Theory]
    [InlineData("--suite", "nope")]
    [InlineData("--baseline", "/nonexistent/snapshots")]
    public async Task Bad_input_is_one_line_naming_the_flag_and_exit_2(string flag, string value)
    {
        var run = await TestbedCli.RunAsync("report", flag, value, "--out", _out.FullName);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(flag, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
