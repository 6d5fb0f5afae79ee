using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Testbed.Simulator.Scenarios;

namespace Testbed.Benchmarks;

/// <summary>
/// Turns a <see cref="SimulationBenchmarks"/> case's mean time into a rate. The events per scenario come from
/// running the case's scenario once more in the host: a seed and its options fix the run, so the count is
/// exactly the one each measured operation executed.
/// </summary>
public sealed class ScenarioRateColumn(ScenarioRateColumn.Rate rate) : IColumn
{
    private static readonly ConcurrentDictionary<(bool Trace, bool Verify), long> EventCounts = new();

    public enum Rate
    {
        EventsPerScenario,
        EventsPerSecond,
        ScenariosPerSecond,
    }

    public string Id => nameof(ScenarioRateColumn) + rate;

    public string ColumnName => rate switch
    {
        Rate.EventsPerScenario => "Events/op",
        Rate.EventsPerSecond => "Events/s",
        _ => "Scenarios/s",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)rate;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => rate switch
    {
        Rate.EventsPerScenario => "Simulation events (items run from the event queue) in one scenario run",
        Rate.EventsPerSecond => "Events/op divided by the mean time of one scenario run",
        _ => "Scenario runs per second: 1 s / mean",
    };

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var events = EventsPerScenario(benchmarkCase);
        if (rate == Rate.EventsPerScenario)
        {
            return events.ToString("N0", CultureInfo.InvariantCulture);
        }

        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0)
        {
            return "NA";
        }

        var perSecond = 1e9 / meanNanoseconds.Value;
        return rate == Rate.EventsPerSecond
            ? (events * perSecond).ToString("N0", CultureInfo.InvariantCulture)
            : perSecond.ToString("N1", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;

    private static long EventsPerScenario(BenchmarkCase benchmarkCase)
    {
        var trace = (bool)benchmarkCase.Parameters[nameof(SimulationBenchmarks.Trace)];
        var verify = (bool)benchmarkCase.Parameters[nameof(SimulationBenchmarks.VerifyWrites)];
        return EventCounts.GetOrAdd(
            (trace, verify),
            key => SimulationBenchmarks.Run(key.Trace, key.Verify).Events);
    }
}
