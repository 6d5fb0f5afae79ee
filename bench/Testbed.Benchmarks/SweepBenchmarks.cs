using BenchmarkDotNet.Attributes;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Sweeps;

namespace Testbed.Benchmarks;

/// <summary>
/// How fast a sweep explores: one operation is <see cref="Seeds"/> consecutive seeds of a scenario, as
/// <c>testbed sweep --jobs 1</c> runs them (trace off, every invariant checker attached, each seed's own
/// fault plan and traffic drawn from it). The <c>http</c> scenario is the default sweep; <c>keepalive</c>
/// beside it is the fixed load with no faults, so the ratio shows what faults, varied clients and
/// varied apps cost per seed.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RunRateConfig))]
public class SweepBenchmarks : ICountedRuns
{
    public const int Seeds = 50;

    [Params("http", "keepalive")]
    public string Scenario { get; set; } = "http";

    [GlobalSetup]
    public void Setup()
    {
        var sweep = SweepSeeds();
        if (sweep.Passed != Seeds)
        {
            throw new InvalidOperationException($"{Seeds - sweep.Passed} of {Seeds} seeds of {Scenario} failed: {sweep.Failures[0].Failure.Detail}");
        }

        JitWarmUp.UntilSettled(() => SweepSeeds());
    }

    [Benchmark(Description = "sweep of 50 seeds")]
    public SweepResult SweepSeeds() => Sweep.Run(new RunSpec(Scenario, 1), new SeedRange(1, Seeds), new SweepOptions());

    public (long Events, int Runs) Count() => (SweepSeeds().Events, Seeds);
}
