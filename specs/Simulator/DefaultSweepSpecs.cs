using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Simulator.Sweeps;

namespace Testbed.Specs.Simulator;

/// <summary>
/// The default sweep on a healthy engine: no seed breaks a rule, every coverage row is reached, a seed's result
/// does not depend on how many jobs ran the sweep, and determinism holds across fresh runs. The checks are
/// shown to bite: a nondeterministic observer is caught, and one seed's escape fails that seed alone.
/// </summary>
public sealed class DefaultSweepSpecs
{
    private static readonly RunSpec Http = new("http", 1);

    [Fact]
    public void Fifteen_hundred_seeds_break_no_rule_and_reach_every_coverage_row()
    {
        var sweep = Sweep.Run(Http, new SeedRange(1, 1500), new SweepOptions { Jobs = 2 });

        Assert.True(sweep.Failures.Count == 0, string.Join('\n', sweep.Failures.Select(f => $"seed {f.Result.Spec.Seed}: {f.Failure.Invariant}: {f.Failure.Detail}")));
        Assert.All(sweep.Coverage, row => Assert.True(row.Seeds > 0, $"coverage row {row.Name} ({row.Description}) was never reached"));
    }

    [Fact]
    public void A_seed_gives_the_same_result_whatever_the_job_count()
    {
        var one = Sweep.Run(Http, new SeedRange(1, 150), new SweepOptions { Jobs = 1 });
        var three = Sweep.Run(Http, new SeedRange(1, 150), new SweepOptions { Jobs = 3 });

        Assert.Equal(one.Outcomes, three.Outcomes);
        Assert.Equal(one.Coverage, three.Coverage);
        Assert.Equal(one.Failed.Count, three.Failed.Count);
        Assert.All(one.Failed.Zip(three.Failed), pair => Assert.True(pair.First.SameOutcome(pair.Second), $"{pair.First.Summary()} / {pair.Second.Summary()}"));
    }

    [Fact]
    public void Determinism_holds_over_a_sample_of_seeds_run_twice_more_with_the_trace_on()
    {
        var sweep = Sweep.Run(Http, new SeedRange(1, 400), new SweepOptions { Jobs = 2, DeterminismSample = 100 });

        Assert.Equal(100, sweep.DeterminismChecked);
        Assert.Empty(sweep.Divergences);
    }

    [Fact]
    public void The_determinism_check_names_the_first_line_where_a_nondeterministic_run_diverges()
    {
        var options = new RunOptions { Observers = [() => new NondeterministicObserver()] };
        var untraced = Runner.Run(Http.WithSeed(3), options);

        var divergence = Sweep.CheckDeterminism(ScenarioCatalog.Default, Http.WithSeed(3), untraced, options);

        Assert.NotNull(divergence);
        Assert.Equal("two traced runs gave different traces", divergence.What);
        Assert.Contains("nondeterministic ", divergence.FirstLine!.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_parallel_sweep_one_seeds_escape_to_the_thread_pool_fails_that_seed_alone()
    {
        var options = new SweepOptions { Jobs = 2, Run = new RunOptions { Observers = [() => new EscapeOnSeed(7)] } };

        var sweep = Sweep.Run(Http, new SeedRange(1, 12), options);

        var failed = Assert.Single(sweep.Failed);
        Assert.Equal(7UL, failed.Spec.Seed);
        Assert.Equal("thread-escape", failed.Failure!.Invariant);
    }

    /// <summary>Writes a number into the trace that is different in every run of the process.</summary>
    private sealed class NondeterministicObserver : RunObserver
    {
        private static int s_runs;

        public override void ClientConnected(Testbed.Transports.Mock.Network.SimConnection connection) =>
            Run.Simulation.Trace.Add($"nondeterministic {Interlocked.Increment(ref s_runs)}");
    }

    /// <summary>Queues work to the thread pool from inside seed <paramref name="seed"/>'s run (an accept event) only.</summary>
    private sealed class EscapeOnSeed(ulong seed) : RunObserver
    {
        public override void Accepted(Testbed.Transports.Mock.Network.SimConnection connection)
        {
            if (Run.Spec.Seed == seed)
            {
                ThreadPool.QueueUserWorkItem(_ => { });
            }
        }
    }
}
