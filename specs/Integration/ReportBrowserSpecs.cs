using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Testbed.Simulator.Snapshots;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// <c>testbed report</c> seen as a person sees it: a regression planted in a copy of the committed baseline, the
/// report run against it, and its <c>index.html</c> opened in Debian's headless Chromium (one launch). The
/// changed case must be marked changed, its diff shown with the first divergence highlighted, reachable from its
/// row and holding the planted line; unchanged cases show no diff; and the page must load nothing from outside.
/// Screenshots land in <c>artifacts/report-browser/</c>.
/// </summary>
public sealed class ReportBrowserSpecs
{
    private const string Suite = "behaviour";

    /// <summary>The case whose verified summary gets the planted line.</summary>
    private const string PlantedCase = "keepalive-small";

    [BrowserFact]
    public async Task A_planted_regression_shows_as_changed_with_its_first_divergence_highlighted()
    {
        var work = Directory.CreateTempSubdirectory("testbed-report-browser-");
        try
        {
            var report = await RunWithPlantedRegressionAsync(work.FullName);
            var screenshots = Path.Combine(RepositoryRoot.Path, "artifacts", "report-browser");
            Directory.CreateDirectory(screenshots);
            // A short viewport, so the first divergence starts below the fold and only its link brings it into view.
            await using var browser = await HeadlessBrowser.LaunchAsync(width: 1280, height: 480);
            await CheckAsync(browser, report, screenshots);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A report run against the committed baseline with one line of one case changed.</summary>
    internal sealed record PlantedReport(string OutDirectory, string Case, string PlantedLine, string OriginalLine)
    {
        public string Index => Path.Combine(OutDirectory, "index.html");
    }

    /// <summary>Copies the committed baseline under <paramref name="work"/>, plants one changed line, runs the report.</summary>
    internal static async Task<PlantedReport> RunWithPlantedRegressionAsync(string work)
    {
        var committed = Path.Combine(RepositoryRoot.Path, SnapshotSuites.DefaultFolder);
        Assert.True(Directory.Exists(committed), $"no committed baseline folder {committed}");
        var baseline = Path.Combine(work, "baseline");
        CopyFolder(committed, baseline);

        var verified = Path.Combine(baseline, $"{Suite}.{PlantedCase}.verified.txt");
        Assert.True(File.Exists(verified), $"no committed snapshot {verified} to plant a regression in");
        var (original, planted) = PlantRegression(verified);

        var output = Path.Combine(work, "report");
        var run = await TestbedCli.RunAsync("report", "--baseline", baseline, "--out", output);
        Assert.True(run.ExitCode == 1, $"testbed report exited {run.ExitCode}, not 1, with a changed case\nstdout:\n{run.Output}\nstderr:\n{run.Error}");
        foreach (var file in (string[])["index.html", "report.md", "junit.xml", Path.Combine("traces", $"{PlantedCase}.trace.txt")])
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"testbed report wrote no {file} in {output}");
        }

        return new PlantedReport(output, PlantedCase, planted, original);
    }

    /// <summary>Everything a person checks on the page, asserted; then the two screenshots.</summary>
    internal static async Task CheckAsync(HeadlessBrowser browser, PlantedReport report, string screenshots)
    {
        var page = await browser.OpenAsync(report.Index);

        Assert.Equal(1, await page.Locator("section#summary").CountAsync());
        Assert.True(await page.Locator("section#summary").IsVisibleAsync(), "the summary is not visible");

        // One row per case: the planted one changed, every other one unchanged (the committed baseline is current).
        var statuses = new Dictionary<string, string>();
        foreach (var row in await page.Locator("table#cases tr.case").AllAsync())
        {
            statuses.Add(await row.GetAttributeAsync("data-case") ?? "", await row.GetAttributeAsync("data-status") ?? "");
        }

        var listed = string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}"));
        Assert.True(statuses.Count > 1, $"the cases table lists {statuses.Count} case(s): {listed}");
        Assert.True(statuses.GetValueOrDefault(report.Case) == "changed", $"{report.Case} is not marked changed: {listed}");
        var others = statuses.Where(s => s.Key != report.Case).ToList();
        Assert.True(others.All(s => s.Value == "unchanged"), $"only {report.Case} was changed, yet: {listed}");
        foreach (var name in statuses.Keys)
        {
            Assert.True(File.Exists(Path.Combine(report.OutDirectory, "traces", $"{name}.trace.txt")), $"no trace for {name}");
        }

        // The changed case's diff, and no other.
        var section = page.Locator($"section.diff#case-{report.Case}");
        Assert.Equal(1, await section.CountAsync());
        Assert.True(await section.IsVisibleAsync(), $"the diff of {report.Case} is not visible");
        Assert.Equal(1, await page.Locator("section.diff").CountAsync());
        foreach (var (name, _) in others)
        {
            Assert.Equal(0, await page.Locator($"#case-{name}").CountAsync());
        }

        // Unchanged stretches are folded, and the folds start closed.
        var folds = section.Locator("details.fold");
        Assert.True(await folds.CountAsync() > 0, $"the diff of {report.Case} folds none of its unchanged lines");
        foreach (var fold in await folds.AllAsync())
        {
            Assert.False(await fold.EvaluateAsync<bool>("d => d.open"), "a fold of unchanged lines starts open");
        }

        // Exactly one first divergence on the page, in that diff, reached from the case's row.
        var first = page.Locator("tr.first-divergence");
        Assert.Equal(1, await first.CountAsync());
        Assert.Equal($"first-{report.Case}", await first.GetAttributeAsync("id"));
        Assert.Equal(1, await section.Locator("tr.first-divergence").CountAsync());
        // Shown as the page opens, not folded away (Chromium would open a closed fold when its link is followed).
        Assert.True(await first.EvaluateAsync<bool>("r => r.closest('details') === null"), "the first divergence is inside a fold");
        Assert.True(await first.IsVisibleAsync(), "the first divergence is not visible");
        var link = page.Locator($"table#cases tr.case[data-case=\"{report.Case}\"] a.first-link");
        Assert.Equal($"#first-{report.Case}", await link.GetAttributeAsync("href"));
        await link.ClickAsync();
        Assert.Equal($"#first-{report.Case}", await page.EvaluateAsync<string>("() => location.hash"));
        await Assertions.Expect(first).ToBeInViewportAsync(new() { Timeout = (float)HeadlessBrowser.Timeout.TotalMilliseconds });
        Assert.True(await first.IsVisibleAsync(), "the first divergence is not visible after following its link");

        // The baseline side holds the planted line, the new side the line the run really produced.
        var old = Normalize(await first.Locator("td.old").InnerTextAsync());
        var @new = Normalize(await first.Locator("td.new").InnerTextAsync());
        var planted = Normalize(report.PlantedLine);
        var original = Normalize(report.OriginalLine);
        Assert.True(old.Contains(planted, StringComparison.Ordinal), $"td.old of the first divergence is '{old}', not the planted '{planted}'");
        Assert.True(@new.Contains(original, StringComparison.Ordinal) && !@new.Contains(planted, StringComparison.Ordinal), $"td.new of the first divergence is '{@new}', not the run's '{original}'");

        // Self-contained: the document itself, and nothing from outside.
        Assert.Contains(browser.Requests, url => url.StartsWith("file://", StringComparison.Ordinal));
        Assert.True(browser.ExternalRequests.Count == 0, "the report requested " + string.Join(", ", browser.ExternalRequests));
        Assert.True(browser.PageErrors.Count == 0, "script errors on the report: " + string.Join("\n", browser.PageErrors));

        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "report.png"), FullPage = true });
        await first.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "first-divergence.png") });
    }

    /// <summary>
    /// Changes one line near the middle of <paramref name="verified"/>, a response line when there is one (its
    /// status becomes 599); returns the line as it was and as planted.
    /// </summary>
    private static (string Original, string Planted) PlantRegression(string verified)
    {
        var lines = File.ReadAllText(verified).Split('\n');
        var events = Enumerable.Range(0, lines.Length).Where(i => lines[i].Length > 0 && lines[i][0] != '#').ToList();
        Assert.True(events.Count > 2, $"{verified} has {events.Count} event lines: too few to plant a regression in the middle");
        var middle = events[events.Count / 2];
        var responses = events.Where(i => lines[i].Contains(" srv.response ", StringComparison.Ordinal)).ToList();
        var at = (responses.Count > 0 ? responses : events).MinBy(i => Math.Abs(i - middle));

        var original = lines[at];
        var planted = Regex.Replace(original, @"( srv\.response c\d+ )(\d+)$", m => m.Groups[1].Value + (m.Groups[2].Value == "599" ? "598" : "599"));
        if (planted == original)
        {
            planted = original + " planted";
        }

        lines[at] = planted;
        File.WriteAllText(verified, string.Join('\n', lines));
        return (original, planted);
    }

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
