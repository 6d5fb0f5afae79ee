using BenchmarkDotNet.Configs;

namespace Testbed.Benchmarks;

/// <summary>The rate columns of every <see cref="ICountedRuns"/> benchmark.</summary>
public sealed class RunRateConfig : ManualConfig
{
    public RunRateConfig()
    {
        AddColumn(new RunRateColumn(RunRateColumn.Rate.EventsPerOperation));
        AddColumn(new RunRateColumn(RunRateColumn.Rate.EventsPerSecond));
        AddColumn(new RunRateColumn(RunRateColumn.Rate.RunsPerSecond));
    }
}
