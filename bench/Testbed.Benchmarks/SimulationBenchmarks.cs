using BenchmarkDotNet.Attributes;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock;

namespace Testbed.Benchmarks;

/// <summary>
/// The mock transport's speed: one operation is one run of the standard <see cref="KeepAliveScenario"/>
/// (100 connections × 10 keep-alive requests × 16 KiB responses, server start and graceful stop included)
/// on one seed, through the runner with every invariant checker attached. With the trace off (as sweeps run)
/// and on (as a replay runs), and with uv_write buffer verification on (the default, as specs run) and off.
/// The extra columns turn the mean into scheduler events per second (events executed from the simulation's
/// queue, <see cref="Simulation.EventsRun"/>) and runs per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RunRateConfig))]
public class SimulationBenchmarks : ICountedRuns
{
    public const ulong Seed = 42;

    [Params(false, true)]
    public bool Trace { get; set; }

    [Params(true, false)]
    public bool VerifyWrites { get; set; }

    /// <summary>The run one benchmark case makes.</summary>
    public static RunResult Run(bool trace, bool verifyWrites) =>
        Runner.Run(new RunSpec("keepalive", Seed), new RunOptions { Trace = trace, VerifyWriteBuffers = verifyWrites });

    [GlobalSetup]
    public void Setup()
    {
        var result = KeepAliveScenario();
        if (!result.Passed || result.Requests != 1000)
        {
            throw new InvalidOperationException($"the scenario served {result.Requests} requests: {result.Failure?.Detail}");
        }

        JitWarmUp.UntilSettled(() => KeepAliveScenario());
    }

    [Benchmark(Description = "keepalive scenario")]
    public RunResult KeepAliveScenario() => Run(Trace, VerifyWrites);

    public (long Events, int Runs) Count() => (Run(Trace, VerifyWrites).Events, 1);
}
