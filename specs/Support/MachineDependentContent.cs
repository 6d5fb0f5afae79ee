using System.Text.RegularExpressions;

namespace Testbed.Specs.Support;

/// <summary>
/// Things that would make a trace differ between machines, processes or runs: ports, addresses, wall-clock
/// times, thread ids, pointers and hash codes, local paths, the host's name, stack traces. Each check carries
/// an example it must flag, so a spec can prove the check is able to fail.
/// </summary>
internal static partial class MachineDependentContent
{
    public sealed record Check(string Name, Func<string, bool> Matches, string Example);

    public static IReadOnlyList<Check> Checks { get; } =
    [
        new("port", Port().IsMatch, "log Information Listening on http://127.0.0.1:8080 with 1 loop threads"),
        new("IPv4 address", IPv4().IsMatch, "net.connect k1 from 10.0.0.7"),
        new("time of day", TimeOfDay().IsMatch, "log Information request at 23:41:07"),
        new("calendar date", Date().IsMatch, "log Information started 2026-11-27"),
        new("thread id", ThreadId().IsMatch, "sched.run j1 on thread 12"),
        new("hex pointer", HexPointer().IsMatch, "uv.close h1 handle=0x7f3a2c001230"),
        new("long number (hash code, ticks, GUID part)", LongNumber().IsMatch, "srv.open c1 id=5f3c9a0e7b21 at 638680896000000000"),
        new("stack trace", StackFrame().IsMatch, "log Error failed at Testbed.Engine.Frame.ProcessAsync(Frame frame)"),
        new("host name", ContainsHostName, $"log Information host {Environment.MachineName}"),
        new("local path", text => LocalPaths().Any(p => text.Contains(p, StringComparison.Ordinal)), $"log Information serving {Path.GetTempPath()}files"),
    ];

    /// <summary>Each offending line with the checks it fails; empty when the text is clean.</summary>
    public static IReadOnlyList<string> Find(string text) =>
        text.Split('\n')
            .Select(line => (line, failed: Checks.Where(c => c.Matches(line)).Select(c => c.Name).ToList()))
            .Where(x => x.failed.Count > 0)
            .Select(x => $"{x.line}    <- {string.Join(", ", x.failed)}")
            .ToList();

    // As a whole word only: a host called "loop" must not make every trace fail.
    private static bool ContainsHostName(string text) =>
        Regex.IsMatch(text, $@"(?i)(?<![\w-]){Regex.Escape(Environment.MachineName)}(?![\w-])");

    private static IEnumerable<string> LocalPaths() =>
        new[] { Environment.CurrentDirectory, Path.GetTempPath(), AppContext.BaseDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) }
            .Select(p => p.TrimEnd(Path.DirectorySeparatorChar))
            .Where(p => p.Length > 1);

    [GeneratedRegex(@":\d{2,5}\b")]
    private static partial Regex Port();

    [GeneratedRegex(@"\b\d{1,3}(\.\d{1,3}){3}\b")]
    private static partial Regex IPv4();

    [GeneratedRegex(@"\b\d{1,2}:\d{2}:\d{2}\b")]
    private static partial Regex TimeOfDay();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex Date();

    [GeneratedRegex(@"(?i)\bthread\s*(id)?\s*[#=:]?\s*\d+|\btid\s*[=:]?\s*\d+")]
    private static partial Regex ThreadId();

    [GeneratedRegex(@"\b0x[0-9a-fA-F]{4,}\b")]
    private static partial Regex HexPointer();

    // Trace numbers are counts, sizes and virtual microseconds: twelve digits would be days of virtual time.
    [GeneratedRegex(@"\b[0-9a-fA-F]{12,}\b")]
    private static partial Regex LongNumber();

    [GeneratedRegex(@"\bat [A-Za-z_][\w.`<>]*\.[\w<>]+\(")]
    private static partial Regex StackFrame();
}
