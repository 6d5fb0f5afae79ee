using System.Diagnostics;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Simulator.Traces;

namespace Testbed.Simulator.Sweeps;

/// <summary>How a sweep runs: threads, progress, and which seeds are checked for determinism.</summary>
public sealed class SweepOptions
{
    /// <summary>Dedicated threads, each running whole seeds; the results do not depend on it.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Seeds whose run is repeated twice, traced, in fresh simulations, and compared; 0 for none.</summary>
    public ulong DeterminismSample { get; init; }

    /// <summary>Called (from any job's thread) after each seed with the number done so far and the failures so far.</summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>At most this many failing seeds are traced again for the report (the rest only counted).</summary>
    public int TracedFailures { get; init; } = 20;

    /// <summary>How each seed runs (untraced; a failing seed's rerun and the determinism check add the trace).</summary>
    public RunOptions Run { get; init; } = new();
}

/// <summary>
/// Runs one spec over a range of seeds on dedicated threads, untraced, then traces each failing seed again (which
/// must break the same invariant at the same event) and, for a sample of seeds, checks that two fresh runs give
/// the same trace and the same outcome as the sweep's. Seeds are results in seed order, whatever the job count.
/// </summary>
public static class Sweep
{
    public static SweepResult Run(RunSpec template, SeedRange seeds, SweepOptions options) => Run(Runner.Resolve(template), template, seeds, options);

    /// <summary>Sweeps a scenario of one's own, which <paramref name="template"/> names.</summary>
    public static SweepResult Run(Scenario scenario, RunSpec template, SeedRange seeds, SweepOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Jobs, 1);
        var run = (RunSpec spec, RunOptions? runOptions) => Runner.Run(scenario, spec, runOptions);
        var watch = Stopwatch.StartNew();
        var sample = DeterminismSample(seeds, options.DeterminismSample);
        var sampled = sample.ToHashSet();

        // A million-seed shard keeps a small outcome per seed, and whole results only where a later step needs
        // them: the failures, and the seeds whose determinism is checked.
        var outcomes = new SeedOutcome[seeds.Count];
        var kept = new RunResult?[seeds.Count];
        var coverage = new CoverageTally();
        long failures = 0;
        long done = 0;
        ForEach(options.Jobs, (long)seeds.Count, i =>
        {
            var result = run(template.WithSeed(seeds[(ulong)i]), options.Run);
            outcomes[i] = new SeedOutcome(result.Passed, result.Events, result.VirtualMicros, result.Requests);
            kept[i] = result.Passed && !sampled.Contains(result.Spec.Seed) ? null : result;
            coverage.Add(result.Coverage);
            var failed = result.Passed ? Interlocked.Read(ref failures) : Interlocked.Increment(ref failures);
            options.Progress?.Invoke(Interlocked.Increment(ref done), failed);
        });

        var failing = kept.Where(r => r is { Passed: false }).Select(r => r!).ToList();
        var traced = new SweepFailure[Math.Min(failing.Count, options.TracedFailures)];
        ForEach(options.Jobs, traced.Length, i => traced[i] = new SweepFailure(failing[(int)i], run(failing[(int)i].Spec, options.Run.WithTrace())));

        var divergences = new Divergence?[sample.Length];
        ForEach(options.Jobs, sample.Length, i => divergences[i] = CheckDeterminism(scenario, template.WithSeed(sample[i]), kept[(long)(sample[i] - seeds.First)]!, options.Run));

        return new SweepResult(template, seeds, options.Jobs, outcomes, failing, traced, coverage.Counts(), [.. divergences.OfType<Divergence>()], sample.Length, watch.Elapsed);
    }

    /// <summary>Runs a seed twice more, traced, in fresh simulations; null when both traces and the untraced outcome agree.</summary>
    public static Divergence? CheckDeterminism(Scenario scenario, RunSpec spec, RunResult untraced, RunOptions? options = null)
    {
        var traced = (options ?? new RunOptions()).WithTrace();
        var first = Runner.Run(scenario, spec, traced);
        var second = Runner.Run(scenario, spec, traced);
        if (first.TraceHash != second.TraceHash)
        {
            var line = TraceDiff.FirstDivergence(first.Trace!, second.Trace!);
            var lines = first.Trace!.Split('\n');
            var at = (line?.LineNumber ?? 1) - 1;
            return new Divergence(spec.Seed, "two traced runs gave different traces", line, lines[Math.Max(0, at - 5)..Math.Min(lines.Length, at)]);
        }

        return first.SameOutcome(untraced) ? null
            : new Divergence(spec.Seed, $"the traced run ({first.Summary()}) differs from the untraced one ({untraced.Summary()})", null, []);
    }

    /// <summary>Every seed for a sample at least as large as the range, else that many spread evenly over it.</summary>
    private static ulong[] DeterminismSample(SeedRange seeds, ulong sample)
    {
        if (sample == 0)
        {
            return [];
        }

        var count = Math.Min(sample, seeds.Count);
        return [.. Enumerable.Range(0, (int)count).Select(i => seeds[(ulong)i * seeds.Count / count])];
    }

    /// <summary>Runs <paramref name="work"/> for 0..count-1 on <paramref name="jobs"/> dedicated threads (here on this one when 1).</summary>
    private static void ForEach(int jobs, long count, Action<long> work)
    {
        long next = -1;
        Exception? failure = null;
        void Loop()
        {
            try
            {
                for (var i = Interlocked.Increment(ref next); i < count && failure is null; i = Interlocked.Increment(ref next))
                {
                    work(i);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
        }

        if (jobs == 1 || count <= 1)
        {
            Loop();
        }
        else
        {
            // Dedicated threads, not the pool: a simulation owns its thread and refuses work that reaches the pool.
            var threads = Enumerable.Range(0, (int)Math.Min(jobs, count)).Select(j => new Thread(Loop) { Name = $"sweep-{j}", IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("a sweep job failed: " + failure.Message, failure);
        }
    }
}
