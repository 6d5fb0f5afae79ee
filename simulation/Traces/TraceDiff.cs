using System.Diagnostics;

namespace Testbed.Simulator.Traces;

/// <summary>
/// The first line at which two traces differ, without its LF. A trace that ended first has null there; a last
/// line that lacks its LF ends in <see cref="TraceDiff.NoNewline"/>, since that may be all that differs.
/// </summary>
public sealed record TraceDivergence(int LineNumber, string? Expected, string? Actual)
{
    /// <summary>Three lines: where, and each side's line, labelled; for a failure message or the command line.</summary>
    public string Describe(string expectedName = "expected", string actualName = "actual") =>
        $"traces diverge at line {LineNumber}:\n  {expectedName}: {Show(Expected)}\n  {actualName}: {Show(Actual)}";

    // A stray CR is the usual culprit when two traces look identical, so it is made visible.
    private static string Show(string? line) => line is null ? "<trace ended>" : line.Replace("\r", "\\r", StringComparison.Ordinal);
}

/// <summary>
/// Finds where two runs that should be identical stop being so. The first divergent line names the first
/// event the runs disagree on; everything after it is usually fallout.
/// </summary>
public static class TraceDiff
{
    /// <summary>Marks a last line that has no LF after it.</summary>
    public const string NoNewline = " <no newline at end>";

    /// <summary>Null when the traces are identical; otherwise the first line (1-based; lines end at LF) at which they differ.</summary>
    public static TraceDivergence? FirstDivergence(string expected, string actual)
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return null;
        }

        using var expectedLines = Lines(expected).GetEnumerator();
        using var actualLines = Lines(actual).GetEnumerator();
        for (var lineNumber = 1; ; lineNumber++)
        {
            var expectedLine = expectedLines.MoveNext() ? expectedLines.Current : default;
            var actualLine = actualLines.MoveNext() ? actualLines.Current : default;
            if (expectedLine.Raw is null && actualLine.Raw is null)
            {
                throw new UnreachableException("different texts split into the same lines");
            }

            if (!string.Equals(expectedLine.Raw, actualLine.Raw, StringComparison.Ordinal))
            {
                return new TraceDivergence(lineNumber, expectedLine.Shown, actualLine.Shown);
            }
        }
    }

    // Raw keeps the LF, so every character lands in exactly one line and different texts differ in some line.
    private static IEnumerable<(string? Raw, string? Shown)> Lines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                yield return (text[start..], text[start..] + NoNewline);
                yield break;
            }

            yield return (text[start..(end + 1)], text[start..end]);
            start = end + 1;
        }
    }
}
