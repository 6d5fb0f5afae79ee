using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>A sweep's results as files for other tools: JSON, and JUnit XML for CI test reports.</summary>
internal static class SweepFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool TryWriteJson(string path, SweepResult result, TextWriter error) => TryWrite(path, error, "--json", () => JsonSerializer.Serialize(
        new
        {
            scenario = result.Template.Scenario,
            spec = result.Template.ToString(),
            seeds = result.Seeds.ToString(),
            jobs = result.Jobs,
            wall_seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            runs = result.Results.Count,
            passed = result.Passed,
            events = result.Events,
            coverage = result.CoverageCounts().ToDictionary(row => row.Name, row => row.Seeds),
            failures = result.Results.Where(r => !r.Passed).Select(r => new
            {
                seed = r.Spec.Seed,
                invariant = r.Failure!.Invariant,
                detail = r.Failure.Detail,
                @event = r.Failure.EventNumber,
                virtual_micros = r.Failure.VirtualMicros,
                replay = ReplayLine.For(r.Spec, result.Failures.FirstOrDefault(f => f.Result.Spec.Equals(r.Spec))?.Traced.TraceHash),
            }),
            determinism = new
            {
                seeds = result.DeterminismChecked,
                divergences = result.Divergences.Select(d => new { seed = d.Seed, what = d.What, line = d.FirstLine?.LineNumber, first = d.FirstLine?.Expected, second = d.FirstLine?.Actual }),
            },
        },
        Indented));

    public static bool TryWriteJUnit(string path, SweepResult result, TextWriter error) => TryWrite(path, error, "--junit", () =>
    {
        var name = $"sweep {result.Template.Scenario}";
        var cases = result.Results.Select(r =>
        {
            var testCase = new XElement("testcase", new XAttribute("classname", name), new XAttribute("name", $"seed {r.Spec.Seed}"));
            if (r.Failure is { } failure)
            {
                var traced = result.Failures.FirstOrDefault(f => f.Result.Spec.Equals(r.Spec));
                testCase.Add(new XElement(
                    "failure",
                    new XAttribute("message", $"{failure.Invariant}: {failure.Detail}"),
                    new XAttribute("type", failure.Invariant),
                    $"event {failure.EventNumber} at {failure.VirtualTime} s\n{ReplayLine.For(r.Spec, traced?.Traced.TraceHash)}\n{string.Join('\n', traced?.Failure.TraceTail ?? [])}"));
            }

            return testCase;
        });
        var suite = new XElement(
            "testsuite",
            new XAttribute("name", name),
            new XAttribute("tests", result.Results.Count),
            new XAttribute("failures", result.Results.Count - result.Passed),
            new XAttribute("time", result.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)),
            cases);
        return new XDocument(new XElement("testsuites", suite)).ToString();
    });

    private static bool TryWrite(string path, TextWriter error, string flag, Func<string> render)
    {
        try
        {
            File.WriteAllText(path, render());
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"testbed: {flag}: cannot write {path}: {ex.Message}");
            return false;
        }
    }
}
