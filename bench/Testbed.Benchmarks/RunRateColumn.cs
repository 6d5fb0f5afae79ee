using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Testbed.Benchmarks;

/// <summary>
/// Turns the mean time of an <see cref="ICountedRuns"/> benchmark into rates: simulation events (items run
/// from the event queue) per operation and per second, and runs (seeds) per second. The counts come from
/// running the case's operation once more in the host, with the case's parameters set.
/// </summary>
public sealed class RunRateColumn(RunRateColumn.Rate rate) : IColumn
{
    private static readonly ConcurrentDictionary<string, (long Events, int Runs)> Counts = new();

    public enum Rate
    {
        EventsPerOperation,
        EventsPerSecond,
        RunsPerSecond,
    }

    public string Id => nameof(RunRateColumn) + rate;

    public string ColumnName => rate switch
    {
        Rate.EventsPerOperation => "Events/op",
        Rate.EventsPerSecond => "Events/s",
        _ => "Runs/s",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)rate;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => rate switch
    {
        Rate.EventsPerOperation => "Simulation events (items run from the event queue) in one operation",
        Rate.EventsPerSecond => "Events/op divided by the mean time of one operation",
        _ => "Simulation runs (seeds) per second: runs in one operation / mean",
    };

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var (events, runs) = CountOf(benchmarkCase);
        if (rate == Rate.EventsPerOperation)
        {
            return events.ToString("N0", CultureInfo.InvariantCulture);
        }

        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0)
        {
            return "NA";
        }

        var operationsPerSecond = 1e9 / meanNanoseconds.Value;
        return rate == Rate.EventsPerSecond
            ? (events * operationsPerSecond).ToString("N0", CultureInfo.InvariantCulture)
            : (runs * operationsPerSecond).ToString("N1", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;

    private static (long Events, int Runs) CountOf(BenchmarkCase benchmarkCase) => Counts.GetOrAdd(
        benchmarkCase.Descriptor.Type.FullName + benchmarkCase.Parameters.DisplayInfo,
        _ =>
        {
            var benchmark = Activator.CreateInstance(benchmarkCase.Descriptor.Type) as ICountedRuns
                ?? throw new InvalidOperationException($"{benchmarkCase.Descriptor.Type.Name} does not count its runs");
            foreach (var parameter in benchmarkCase.Parameters.Items)
            {
                benchmarkCase.Descriptor.Type.GetProperty(parameter.Name)!.SetValue(benchmark, parameter.Value);
            }

            return benchmark.Count();
        });
}
