using System.Globalization;
using System.Xml.Linq;

namespace Testbed.Simulator.Reports;

/// <summary>The report as JUnit XML: a test case per case, its seed as a property and its diff as the failure text.</summary>
public static class JUnitReport
{
    public static string Render(SuiteReport report, Func<CaseReport, string?> replayLine)
    {
        var classname = $"testbed.snapshots.{report.Suite.Name}";
        var cases = report.Cases.Select(c =>
        {
            var testCase = new XElement(
                "testcase",
                new XAttribute("classname", classname),
                new XAttribute("name", c.Name),
                new XAttribute("time", c.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
                new XElement("properties", Property("seed", c.Spec?.Seed.ToString(CultureInfo.InvariantCulture) ?? string.Empty), Property("engine-commit", report.EngineCommit)));
            if (c.Status is CaseStatus.Changed or CaseStatus.Missing or CaseStatus.Failed)
            {
                var text = c.Status == CaseStatus.Changed ? $"{c.FirstDivergence!.Describe("baseline", "this run")}\n{Snapshots.SnapshotDiff.Render(c.Baseline!, c.Received!)}" : c.Problem ?? c.Description;
                testCase.Add(new XElement("failure", new XAttribute("message", $"{c.Name} {HtmlReport.Status(c.Status)}"), new XAttribute("type", HtmlReport.Status(c.Status)), $"{text}\n{replayLine(c)}"));
            }
            else if (c.Status == CaseStatus.New)
            {
                testCase.Add(new XElement("system-out", "no baseline snapshot yet"));
            }

            return testCase;
        });
        var suite = new XElement(
            "testsuite",
            new XAttribute("name", classname),
            new XAttribute("tests", report.Cases.Count),
            new XAttribute("failures", report.Cases.Count(c => c.Status is CaseStatus.Changed or CaseStatus.Missing or CaseStatus.Failed)),
            new XAttribute("time", report.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
            new XElement("properties", Property("engine-commit", report.EngineCommit), Property("baseline", report.BaselineFolder)),
            cases);
        return new XDocument(new XElement("testsuites", suite)).ToString();
    }

    private static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));
}
