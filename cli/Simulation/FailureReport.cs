using Testbed.Simulator.Runs;

namespace Testbed.Cli.Simulation;

/// <summary>How a broken invariant is told to a user: what broke and where, the command that replays it, the trace's tail.</summary>
internal static class FailureReport
{
    /// <param name="replay">The command that replays it, when not the spec's own replay line (a case replays from its file).</param>
    public static void Write(TextWriter output, RunResult result, bool withTail = true, string? replay = null)
    {
        var failure = result.Failure!;
        var at = failure.TraceLine > 0 ? $", trace line {failure.TraceLine}" : string.Empty;
        output.WriteLine($"testbed: seed {result.Spec.Seed} broke {failure.Invariant} at event {failure.EventNumber}{at} ({failure.VirtualTime} s): {failure.Detail}");
        output.WriteLine($"  replay: {replay ?? ReplayLine.For(result.Spec, result.TraceHash)}");
        if (withTail && failure.TraceTail.Count > 0)
        {
            output.WriteLine($"  the last {failure.TraceTail.Count} trace lines:");
            foreach (var line in failure.TraceTail)
            {
                output.WriteLine("    " + line);
            }
        }
    }
}
