using System.Globalization;
using System.Text;
using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Snapshots;

/// <summary>
/// The part of a trace worth pinning: what the engine decided and what crossed the wire, without the
/// scheduler's hops, the random draws, the loop's wake-ups and the heartbeat's ticks, and without event
/// numbers, so one extra hop does not renumber every line after it. Each line keeps its virtual time. The
/// header says which run it was; the footer holds the verdict and the whole trace's hash and size, which still
/// change when only the hops do.
/// </summary>
public static class TraceSummary
{
    // Plumbing every run has, whose count or order says nothing about behaviour worth pinning.
    private static readonly string[] Dropped =
        ["rng", "sched.queue", "sched.run", "uv.async_send", "cb.async", "cb.timer", "uv.write_queue_size", "time.timer", "time.fire", "time.timer_dispose"];

    public static string Of(RunResult result, string title)
    {
        var trace = result.Trace ?? throw new ArgumentException("the run was not traced", nameof(result));
        var text = new StringBuilder();
        text.Append("# ").Append(title).Append('\n');
        var kept = 0;
        foreach (var line in trace.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] == '#')
            {
                if (line.StartsWith("# spec ") || line.StartsWith("# plan "))
                {
                    text.Append(line).Append('\n');
                }

                continue;
            }

            // "000123 0.000456 kind rest": the number goes, the time stays.
            var rest = line[(line.IndexOf(' ') + 1)..];
            var kind = rest[(rest.IndexOf(' ') + 1)..];
            var kindEnd = kind.IndexOf(' ');
            var name = kindEnd < 0 ? kind : kind[..kindEnd];
            if (!IsDropped(name))
            {
                text.Append(rest).Append('\n');
                kept++;
            }
        }

        System.Diagnostics.Debug.Assert(kept > 0, "a traced run has events to pin");
        text.Append(CultureInfo.InvariantCulture, $"# result {(result.Passed ? "pass" : "fail " + result.Failure!.Invariant)}, {result.Requests} requests, {result.Events} events, {kept} lines kept, trace hash {result.TraceHash:x16}\n");
        return text.ToString();
    }

    private static bool IsDropped(ReadOnlySpan<char> kind)
    {
        foreach (var dropped in Dropped)
        {
            if (kind.SequenceEqual(dropped))
            {
                return true;
            }
        }

        return false;
    }
}
