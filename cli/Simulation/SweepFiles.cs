using System.Globalization;
using System.Xml.Linq;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>A sweep's results as files for other tools: the results JSON (which <c>sweep merge</c> reads), and JUnit XML for CI test reports.</summary>
internal static class SweepFiles
{
    public static bool TryWriteJson(string path, SweepSummary summary, TextWriter error) =>
        TryWrite(path, error, "--json", () => SweepSummaryFile.Write(summary, ReplayLine.For));

    /// <summary>
    /// One test case per failing seed, carrying its replay line and trace tail, and one for all the seeds that
    /// passed: a case per passing seed would make a million-seed sweep's report a file no CI page can open.
    /// </summary>
    public static bool TryWriteJUnit(string path, SweepSummary summary, TextWriter error) => TryWrite(path, error, "--junit", () =>
    {
        var name = $"sweep {summary.Template.Scenario}";
        var cases = summary.Failures.Select(failure => new XElement(
            "testcase",
            new XAttribute("classname", name),
            new XAttribute("name", $"seed {failure.Seed}"),
            new XElement(
                "failure",
                new XAttribute("message", $"{failure.Invariant}: {failure.Detail}"),
                new XAttribute("type", failure.Invariant),
                $"event {failure.EventNumber} at {failure.VirtualTime} s\n{ReplayLine.For(summary.Template.WithSeed(failure.Seed), failure.TraceHash)}\n{string.Join('\n', failure.TraceTail)}"))).ToList();
        if (summary.Passed > 0)
        {
            cases.Insert(0, new XElement("testcase", new XAttribute("classname", name), new XAttribute("name", $"{summary.Passed.ToString("#,0", CultureInfo.InvariantCulture)} seeds of {summary.Seeds} passed")));
        }

        var suite = new XElement(
            "testsuite",
            new XAttribute("name", name),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", summary.Failures.Count),
            new XAttribute("time", summary.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
            new XElement("properties", new XElement("property", new XAttribute("name", "seeds"), new XAttribute("value", summary.Seeds.ToString())), new XElement("property", new XAttribute("name", "engine-commit"), new XAttribute("value", summary.EngineCommit))),
            cases);
        return new XDocument(new XElement("testsuites", suite)).ToString();
    });

    /// <summary>
    /// Writes beside the file, then renames it into place: a shard killed mid-write leaves no half a file,
    /// which a merge would refuse as bad input, but no file, which it reports as the shard missing.
    /// </summary>
    private static bool TryWrite(string path, TextWriter error, string flag, Func<string> render)
    {
        var partial = $"{path}.{Environment.ProcessId}.partial";
        try
        {
            File.WriteAllText(partial, render());
            File.Move(partial, path, overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            error.WriteLine($"testbed: {flag}: cannot write {path}: {ex.Message}");
            return false;
        }
    }
}
