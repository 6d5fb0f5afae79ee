using System.Diagnostics;
using System.Runtime;

namespace Testbed.Benchmarks;

/// <summary>
/// Runs an operation until the JIT has stopped recompiling the code it calls. A simulation run touches about
/// 6,000 methods, and tiered compilation (tier 0, then an instrumented tier, then the optimised one) takes some
/// 500 runs of the keep-alive scenario to finish with them; BenchmarkDotNet's warm-up stops long before that
/// (3 iterations of 32 runs with <c>--job short</c>), so without this it measured the JIT's progress: 5.7 ms a
/// run where the settled code takes 3.6 ms on the same machine.
/// </summary>
public static class JitWarmUp
{
    /// <summary>Methods a batch may still add and count as settled: a few trickle in for a long time.</summary>
    private const int SettledGrowth = 2;

    /// <summary>
    /// Settled batches in a row that end the warm-up: one quiet batch is not proof, since the optimised versions
    /// are compiled on a background thread while the batch goes on.
    /// </summary>
    private const int SettledBatches = 2;

    /// <summary>
    /// The least time a batch takes, five times the 100 ms the runtime waits after compiling before it counts
    /// calls: a batch of short operations that fits inside that wait compiles nothing and proves nothing.
    /// </summary>
    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="operation"/> in batches of at least half a second until a batch compiles at most a
    /// couple of methods, twice in a row, or for a minute at most (a sweep's rare fault paths may keep compiling
    /// now and then). Prints what it found, so a benchmark's log shows the warm-up it had.
    /// </summary>
    public static void UntilSettled(Action operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var clock = Stopwatch.StartNew();
        var operations = 0;
        var quiet = 0;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (true)
        {
            var batchStart = clock.Elapsed;
            do
            {
                operation();
                operations++;
            }
            while (clock.Elapsed - batchStart < BatchTime);

            var now = JitInfo.GetCompiledMethodCount();
            if (now < compiled)
            {
                throw new InvalidOperationException($"the JIT's count of compiled methods fell from {compiled} to {now}");
            }

            quiet = now - compiled <= SettledGrowth ? quiet + 1 : 0;
            var settled = quiet == SettledBatches;
            if (settled || clock.Elapsed > Bound)
            {
                var state = settled ? "settled" : $"still compiling ({now - compiled} methods in the last batch)";
                Console.WriteLine($"// JitWarmUp: {state} after {operations} operations, {clock.Elapsed.TotalSeconds:F1} s, {now} methods compiled");
                return;
            }

            compiled = now;
        }
    }
}
