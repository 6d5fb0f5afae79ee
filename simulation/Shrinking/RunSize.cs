using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Shrinking;

/// <summary>How big a failing run is: what a shrink reports before and after (its trace lines up to the violation).</summary>
public sealed record RunSize(int Connections, int Requests, int FaultEvents, int Choices, int TraceLines)
{
    /// <summary>Runs <paramref name="failure"/> traced, with <paramref name="observers"/> (a user's invariants), on <paramref name="scenario"/> (the catalog's when null), and measures it.</summary>
    public static RunSize Of(FailureCase failure, IReadOnlyList<Func<RunObserver>>? observers = null, Scenarios.Scenario? scenario = null)
    {
        var counter = new Counter();
        var result = failure.Run(new RunOptions { Trace = true, Observers = [.. observers ?? [], () => counter] }, scenario);
        var lines = result.Trace!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => !line.StartsWith('#'));

        // Up to the violation's line: the run stops once that event is over, and what the rest of it traced comes
        // after the failure a reader is looking for.
        if (result.Failure is { TraceLine: > 0 } broken)
        {
            lines = (int)Math.Min(lines, broken.TraceLine);
        }

        return new RunSize(counter.Connections, result.Requests, counter.Faults, failure.Choices.Count, lines);
    }

    /// <summary>Counts the clients that connect and the faults the world injects.</summary>
    private sealed class Counter : RunObserver
    {
        public int Connections { get; private set; }

        public int Faults { get; private set; }

        public override void ClientConnected(SimConnection connection) => Connections++;

        public override void FaultInjected(WorldFault fault, SimConnection? connection) => Faults++;
    }
}
