using System.CommandLine;
using Testbed.Cli.Simulation;
using Testbed.Simulator.Reports;
using Testbed.Simulator.Snapshots;

namespace Testbed.Cli.Snapshots;

/// <summary>
/// <c>testbed report [--suite NAME] [--baseline DIR] --out DIR</c>: runs a snapshot suite and compares each case
/// with the baseline, writing <c>index.html</c>, <c>report.md</c>, <c>junit.xml</c> and every case's whole trace
/// into the output folder. Off a build server a changed or new case also leaves its received file beside the
/// baseline, for <c>testbed snapshots review</c>. Exit 1 when a case changed, went missing or failed, or is new
/// on a build server.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var suite = new Option<string>("--suite") { Description = $"The suite to run: {string.Join(", ", SnapshotSuites.All.Select(s => s.Name))}", DefaultValueFactory = _ => SnapshotSuites.Default.Name };
        suite.Validators.Add(r =>
        {
            if (SnapshotSuites.Find(r.GetValueOrDefault<string>() ?? string.Empty) is null)
            {
                r.AddError($"--suite: no suite '{r.GetValueOrDefault<string>()}' (there are: {string.Join(", ", SnapshotSuites.All.Select(s => s.Name))})");
            }
        });
        var baseline = new Option<DirectoryInfo?>("--baseline") { Description = $"The snapshots to compare with (default: {SnapshotSuites.DefaultFolder})", HelpName = "DIR" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where the report goes (created if missing)", HelpName = "DIR", Required = true };
        var command = new Command("report", "Run a snapshot suite against a baseline and report what changed, as HTML, Markdown and JUnit") { suite, baseline, output };
        command.SetAction(parsed =>
        {
            var error = parsed.InvocationConfiguration.Error;
            var folder = parsed.GetValue(baseline)?.FullName ?? Path.GetFullPath(SnapshotSuites.DefaultFolder);
            if (!Directory.Exists(folder))
            {
                error.WriteLine($"testbed: --baseline: directory not found: {folder}");
                return TestbedCommandLine.UsageError;
            }

            var outFolder = parsed.GetValue(output)!;
            try
            {
                Directory.CreateDirectory(Path.Combine(outFolder.FullName, "traces"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"testbed: --out: cannot create {outFolder.FullName}: {ex.Message}");
                return TestbedCommandLine.UsageError;
            }

            var report = SuiteReport.Run(SnapshotSuites.Find(parsed.GetValue(suite)!)!, folder);
            Write(report, outFolder.FullName);
            parsed.InvocationConfiguration.Output.WriteLine($"report of {report.Suite.Name}: {HtmlReport.Summary(report)}");
            foreach (var c in report.Cases.Where(c => c.Status != CaseStatus.Unchanged))
            {
                parsed.InvocationConfiguration.Output.WriteLine($"  {c.Name}: {HtmlReport.Status(c.Status)}{(c.FirstDivergence is { } d ? $" from line {d.LineNumber}" : string.Empty)}{(c.Problem is { } p ? ": " + p : string.Empty)}");
            }

            parsed.InvocationConfiguration.Output.WriteLine($"  {Path.Combine(outFolder.FullName, "index.html")}");
            return report.Fails(BuildServer.Detected()) ? 1 : 0;
        });
        return command;
    }

    private static void Write(SuiteReport report, string folder)
    {
        string? Replay(CaseReport c) => c.Spec is null ? null : ReplayLine.For(c.Spec, c.Result?.TraceHash);
        File.WriteAllText(Path.Combine(folder, "index.html"), HtmlReport.Render(report, Replay));
        File.WriteAllText(Path.Combine(folder, "report.md"), MarkdownReport.Render(report, Replay));
        File.WriteAllText(Path.Combine(folder, "junit.xml"), JUnitReport.Render(report, Replay));
        var store = new SnapshotStore(report.BaselineFolder, acceptChanges: false);
        foreach (var c in report.Cases.Where(c => c.Result is not null))
        {
            File.WriteAllText(Path.Combine(folder, "traces", c.Name + ".trace.txt"), c.Result!.Trace);
            if (c.Status is CaseStatus.Changed or CaseStatus.New && !BuildServer.Detected())
            {
                store.Check($"{report.Suite.Name}.{c.Name}", c.Received!); // Leaves the received file for review.
            }
        }
    }
}
