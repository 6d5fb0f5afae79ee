using System.Globalization;
using System.Net;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Testbed.Simulator.Reports;

/// <summary>
/// The report as one self-contained HTML page (no CDN, fonts or scripts): the summary, a row per case, and
/// for each changed case a side-by-side diff whose unchanged stretches are folded and whose first divergent
/// line is highlighted and linked from the case's row.
/// </summary>
public static class HtmlReport
{
    private const int Context = 3;

    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; }
        table { border-collapse: collapse; }
        #cases td, #cases th { padding: .25rem .75rem; border-bottom: 1px solid #d0d7de; text-align: left; }
        tr[data-status=changed] .status, tr[data-status=missing] .status, tr[data-status=failed] .status { color: #b00020; font-weight: 600; }
        tr[data-status=new] .status { color: #7a5b00; font-weight: 600; }
        tr[data-status=unchanged] .status { color: #1a7f37; }
        code, .sbs td { font: 12px/1.4 ui-monospace, monospace; }
        .sbs { width: 100%; table-layout: fixed; }
        .sbs td { white-space: pre-wrap; word-break: break-all; vertical-align: top; padding: 0 .4rem; }
        .sbs td.num { width: 3.5rem; color: #6e7781; text-align: right; }
        .sbs tr.deleted td.old, .sbs tr.modified td.old { background: #ffebe9; }
        .sbs tr.inserted td.new, .sbs tr.modified td.new { background: #dafbe1; }
        .sbs tr.first-divergence td { outline: 2px solid #bf8700; background: #fff8c5; }
        details.fold summary { color: #6e7781; cursor: pointer; padding: .15rem .4rem; }
        .legend { color: #6e7781; margin-bottom: .2rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: #6e7781; }
        """;

    public static string Render(SuiteReport report, Func<CaseReport, string?> replayLine)
    {
        var html = new StringBuilder();
        html.Append($"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Testbed report: {E(report.Suite.Name)}</title><style>{Style}</style></head><body>\n");
        html.Append($"<h1>Snapshot report: {E(report.Suite.Name)}</h1>\n");
        html.Append("<section id=\"summary\"><p>").Append(E(Summary(report))).Append("</p><p>")
            .Append(E($"engine commit {report.EngineCommit}; baseline {report.BaselineFolder}; {Seconds(report.Elapsed)} s")).Append("</p></section>\n");
        html.Append("<table id=\"cases\"><thead><tr><th>case</th><th>status</th><th>what it pins</th><th>seed</th><th>seconds</th><th>first difference</th></tr></thead><tbody>\n");
        foreach (var c in report.Cases)
        {
            var status = Status(c.Status);
            var first = c.Status == CaseStatus.Changed ? $"<a class=\"first-link\" href=\"#first-{E(c.Name)}\">line {c.FirstDivergence!.LineNumber}</a>" : E(c.Problem ?? string.Empty);
            var name = c.Status is CaseStatus.Unchanged ? E(c.Name) : $"<a href=\"#case-{E(c.Name)}\">{E(c.Name)}</a>";
            html.Append($"<tr class=\"case\" data-case=\"{E(c.Name)}\" data-status=\"{status}\"><td>{name}</td><td class=\"status\">{status}</td><td>{E(c.Description)}</td><td>{c.Spec?.Seed}</td><td>{Seconds(c.Elapsed)}</td><td>{first}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var c in report.Cases.Where(c => c.Status != CaseStatus.Unchanged))
        {
            AppendCase(html, c, replayLine(c));
        }

        return html.Append("</body></html>\n").ToString();
    }

    public static string Summary(SuiteReport report) =>
        $"{report.Cases.Count} cases: " + string.Join(", ", Enum.GetValues<CaseStatus>().Select(s => (s, n: report.Count(s))).Where(x => x.n > 0).Select(x => $"{x.n} {Status(x.s)}"));

    public static string Status(CaseStatus status) => status.ToString().ToLowerInvariant();

    private static void AppendCase(StringBuilder html, CaseReport c, string? replay)
    {
        var kind = c.Status == CaseStatus.Changed ? "diff" : "case-detail";
        html.Append($"<section class=\"{kind}\" id=\"case-{E(c.Name)}\"><h2>{E(c.Name)}: {Status(c.Status)}</h2><p>{E(c.Description)}</p><dl>");
        if (c.Spec is { } spec)
        {
            html.Append($"<dt>seed</dt><dd>{spec.Seed}</dd><dt>run spec</dt><dd><code>{E(spec.ToJson())}</code></dd>");
        }

        if (replay is not null)
        {
            html.Append($"<dt>replay</dt><dd><code>{E(replay)}</code></dd>");
        }

        if (c.Result is { } result)
        {
            html.Append($"<dt>run</dt><dd>{result.Events} events, {result.Requests} requests, {result.VirtualMicros / 1e6:0.000} virtual s, trace hash {result.TraceHash:x16}; <a href=\"traces/{E(c.Name)}.trace.txt\">the whole trace</a></dd>");
        }

        if (c.Problem is not null)
        {
            html.Append($"<dt>problem</dt><dd>{E(c.Problem)}</dd>");
        }

        html.Append("</dl>\n");
        if (c.Status == CaseStatus.Changed)
        {
            html.Append("<p class=\"legend\">left: the baseline; right: this run</p>\n");
            AppendDiff(html, c.Name, c.Baseline!, c.Received!);
        }

        html.Append("</section>\n");
    }

    /// <summary>Side by side, in stretches: changed lines with <see cref="Context"/> lines around them shown, longer unchanged runs folded.</summary>
    private static void AppendDiff(StringBuilder html, string name, string baseline, string received)
    {
        var diff = SideBySideDiffBuilder.Diff(baseline, received, ignoreWhiteSpace: false, ignoreCase: false);
        var rows = diff.OldText.Lines.Zip(diff.NewText.Lines).ToList();
        var changed = rows.Select(r => r.First.Type != ChangeType.Unchanged || r.Second.Type != ChangeType.Unchanged).ToArray();
        var shown = Enumerable.Range(0, rows.Count).Select(i => Enumerable.Range(i - Context, (2 * Context) + 1).Any(j => j >= 0 && j < rows.Count && changed[j])).ToArray();
        var first = Array.IndexOf(changed, true);
        System.Diagnostics.Debug.Assert(first >= 0, "a changed case has a changed line");
        for (var start = 0; start < rows.Count;)
        {
            var end = start;
            while (end < rows.Count && shown[end] == shown[start])
            {
                end++;
            }

            var stretch = new StringBuilder("<table class=\"sbs\">");
            for (var i = start; i < end; i++)
            {
                var (old, now) = rows[i];
                var type = old.Type == ChangeType.Unchanged ? now.Type : old.Type;
                var cls = type.ToString().ToLowerInvariant() + (i == first ? " first-divergence" : string.Empty);
                var id = i == first ? $" id=\"first-{E(name)}\"" : string.Empty;
                stretch.Append($"<tr class=\"{cls}\"{id}><td class=\"num\">{old.Position}</td><td class=\"old\">{E(old.Text ?? string.Empty)}</td><td class=\"num\">{now.Position}</td><td class=\"new\">{E(now.Text ?? string.Empty)}</td></tr>");
            }

            stretch.Append("</table>");
            html.Append(shown[start] ? stretch.ToString() : $"<details class=\"fold\"><summary>{end - start} unchanged lines</summary>{stretch}</details>").Append('\n');
            start = end;
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
