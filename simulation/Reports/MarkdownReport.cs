using System.Text;

namespace Testbed.Simulator.Reports;

/// <summary>The report for a pull-request comment: the summary, a row per case, and each change as a short diff; never over <see cref="MaxBytes"/>.</summary>
public static class MarkdownReport
{
    /// <summary>Under GitHub's comment limit, with room to spare.</summary>
    public const int MaxBytes = 1 << 20;

    private const int MaxDiffLines = 60;

    public static string Render(SuiteReport report, Func<CaseReport, string?> replayLine)
    {
        var text = new StringBuilder();
        text.Append($"## Snapshot report: {report.Suite.Name}\n\n{HtmlReport.Summary(report)} (engine commit `{report.EngineCommit}`).\n\n");
        text.Append("| case | status | first difference |\n|---|---|---|\n");
        foreach (var c in report.Cases)
        {
            var first = c.FirstDivergence is { } d ? $"line {d.LineNumber}: `{Cell(d.Actual ?? "<ended>")}`" : Cell(c.Problem ?? string.Empty);
            text.Append($"| {c.Name} | {HtmlReport.Status(c.Status)} | {first} |\n");
        }

        foreach (var c in report.Cases.Where(c => c.Status is CaseStatus.Changed or CaseStatus.Failed))
        {
            var section = new StringBuilder($"\n### {c.Name}: {HtmlReport.Status(c.Status)}\n\n");
            if (replayLine(c) is { } replay)
            {
                section.Append($"`{replay}`\n\n");
            }

            if (c.Status == CaseStatus.Changed)
            {
                var diff = Snapshots.SnapshotDiff.Render(c.Baseline!, c.Received!).Split('\n');
                section.Append("```diff\n").Append(string.Join('\n', diff.Take(MaxDiffLines))).Append(diff.Length > MaxDiffLines ? "\n... (the rest in index.html)" : string.Empty).Append("\n```\n");
            }

            if (Encoding.UTF8.GetByteCount(text.ToString()) + Encoding.UTF8.GetByteCount(section.ToString()) > MaxBytes - 200)
            {
                text.Append("\n_The report is cut here to stay under 1 MiB; index.html has every case._\n");
                break;
            }

            text.Append(section);
        }

        System.Diagnostics.Debug.Assert(Encoding.UTF8.GetByteCount(text.ToString()) <= MaxBytes, "the comment fits");
        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
