using Testbed.Transports.Mock;

namespace Testbed.Specs.Mock;

/// <summary>The simulation's own rules: its clock, its run methods and how it reports a failure.</summary>
public sealed class SimulationSpecs
{
    [Fact]
    public void An_event_that_throws_fails_the_run_naming_the_event_the_time_and_the_seed()
    {
        var sim = new Simulation(77);
        sim.Enqueue(0, EventKind.Io, _ => { }, null);
        sim.Enqueue(250, EventKind.Io, _ => throw new InvalidOperationException("boom"), null);

        var failure = Assert.Throws<SimulationException>(() => sim.RunUntilIdle());

        Assert.Equal("event 2 at 250 µs (seed 77) threw InvalidOperationException: boom", failure.Message);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public void RunUntil_fails_when_the_next_event_lies_past_its_deadline()
    {
        var sim = new Simulation(1);
        var fired = false;
        sim.Enqueue(5_000_000, EventKind.Timer, _ => fired = true, null);

        var failure = Assert.Throws<SimulationException>(() => sim.RunUntil(() => fired, TimeSpan.FromSeconds(1)));

        Assert.Contains("the next event is at 5000000 µs, past the deadline 1000000 µs", failure.Message, StringComparison.Ordinal);
        sim.RunUntil(() => fired, TimeSpan.FromSeconds(10));
        Assert.Equal(5_000_000, sim.NowMicros);
    }

    [Fact]
    public void AdvanceBy_runs_what_is_due_and_leaves_the_clock_at_the_end_of_the_span()
    {
        var sim = new Simulation(1);
        var ran = new List<long>();
        foreach (var at in new long[] { 300, 100, 2_000 })
        {
            sim.Enqueue(at, EventKind.Timer, _ => ran.Add(sim.NowMicros), null);
        }

        sim.AdvanceBy(TimeSpan.FromMilliseconds(1));

        Assert.Equal([100, 300], ran);
        Assert.Equal(1_000, sim.NowMicros);
        sim.AdvanceBy(TimeSpan.FromMilliseconds(1));
        Assert.Equal([100, 300, 2_000], ran);
    }

    [Fact]
    public void Events_at_one_moment_run_in_the_order_they_were_queued()
    {
        var sim = new Simulation(1);
        var order = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            sim.Enqueue(10, i % 2 == 0 ? EventKind.Io : EventKind.Work, _ => order.Add(n), null);
        }

        sim.RunUntilIdle();

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Events_queued_for_now_and_for_later_from_inside_events_run_in_time_then_queueing_order(int seed)
    {
        // Delays of 0 (the present) mixed with short ones, queued while events run and across AdvanceBy's jumps.
        var sim = new Simulation(1);
        var random = new Random(seed);
        var queued = 0;
        var ran = new List<(long Time, int Order)>();
        void Queue(int depth)
        {
            var order = queued++;
            var delay = random.Next(3) == 0 ? random.Next(1, 40) : 0;
            var at = sim.NowMicros + delay;
            sim.Enqueue(delay, EventKind.Io, _ =>
            {
                ran.Add((at, order));
                for (var i = depth < 6 ? random.Next(3) : 0; i > 0; i--)
                {
                    Queue(depth + 1);
                }
            }, null);
        }

        for (var round = 0; round < 20; round++)
        {
            Queue(0);
            Queue(0);
            sim.AdvanceBy(TimeSpan.FromTicks(random.Next(0, 300)));
        }

        sim.RunUntilIdle();

        Assert.Equal(queued, ran.Count);
        Assert.Equal(ran.OrderBy(e => e.Time).ThenBy(e => e.Order), ran);
    }

    [Fact]
    public void Every_draw_is_traced_with_its_decision_and_replays_from_the_seed()
    {
        static (long[] Draws, string Trace) Draw(ulong seed)
        {
            var sim = new Simulation(seed);
            var draws = Enumerable.Range(0, 20).Select(_ => sim.Stream("spec").Choose("pick", 1000)).ToArray();
            return (draws, sim.Trace.ToString());
        }

        var first = Draw(9);
        var again = Draw(9);
        var other = Draw(10);

        Assert.Equal(first.Draws, again.Draws);
        Assert.NotEqual(first.Draws, other.Draws);
        Assert.Equal(20, first.Trace.Split('\n').Count(l => l.Contains(" rng spec pick=", StringComparison.Ordinal)));
        Assert.Contains($" rng spec pick={first.Draws[0]}/1000\n", first.Trace, StringComparison.Ordinal);
    }
}
