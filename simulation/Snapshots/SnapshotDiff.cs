using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Testbed.Simulator.Snapshots;

/// <summary>A short line diff for a failure message: changed lines with a little context, capped in length.</summary>
public static class SnapshotDiff
{
    private const int Context = 2;
    private const int MaxLines = 40;

    /// <summary>Lines only in <paramref name="verified"/> start with '-', lines only in <paramref name="received"/> with '+'.</summary>
    public static string Render(string verified, string received)
    {
        var lines = InlineDiffBuilder.Diff(verified, received, ignoreWhiteSpace: false, ignoreCase: false).Lines;
        var shown = new SortedSet<int>(
            Enumerable.Range(0, lines.Count)
                .Where(i => lines[i].Type != ChangeType.Unchanged)
                .SelectMany(i => Enumerable.Range(i - Context, (2 * Context) + 1))
                .Where(i => i >= 0 && i < lines.Count));
        var text = new StringBuilder();
        text.Append($"diff (-verified +received): {lines.Count(l => l.Type == ChangeType.Deleted)} removed, {lines.Count(l => l.Type == ChangeType.Inserted)} added\n");
        var previous = -1;
        foreach (var i in shown.Take(MaxLines))
        {
            if (previous >= 0 && i != previous + 1)
            {
                text.Append("  ...\n");
            }

            text.Append(Prefix(lines[i].Type)).Append(lines[i].Text).Append('\n');
            previous = i;
        }

        if (shown.Count > MaxLines)
        {
            text.Append($"  ... and {shown.Count - MaxLines} more diff lines\n");
        }

        return text.ToString();
    }

    private static string Prefix(ChangeType type) => type switch
    {
        ChangeType.Deleted => "- ",
        ChangeType.Inserted => "+ ",
        _ => "  ",
    };
}
