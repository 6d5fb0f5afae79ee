using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Specs.Simulator;

/// <summary>The plan is drawn up front, knob by knob from streams of their own, and each world stream is its own too.</summary>
public sealed class PlanSpecs
{
    private static readonly Scenario Http = ScenarioCatalog.Default;

    [Theory]
    [InlineData(1UL)]
    [InlineData(977UL)]
    public void A_seed_draws_the_same_plan_every_time(ulong seed)
    {
        var spec = new RunSpec("http", seed);

        Assert.Equal(Plan(spec).ToString(), Plan(spec).ToString());
        Assert.NotEqual(Plan(spec).ToString(), Plan(spec.WithSeed(seed + 1)).ToString());
    }

    [Fact]
    public void Setting_one_knob_leaves_every_other_knob_as_the_seed_drew_it()
    {
        var drawn = Plan(new RunSpec("http", 31));
        var set = Plan(new RunSpec("http", 31).With(Knobs.WriteFail, 123_456));

        foreach (var (a, b) in drawn.Entries.Zip(set.Entries))
        {
            Assert.Equal(a.Knob, b.Knob);
            Assert.Equal(a.Knob == Knobs.WriteFail ? 123_456 : a.Value, b.Value);
            Assert.Equal(a.Knob == Knobs.WriteFail ? KnobSource.Set : KnobSource.Drawn, b.Source);
        }
    }

    [Fact]
    public void A_stream_draws_the_same_whatever_other_streams_draw_first()
    {
        var alone = Draws(new SeededChoices(5), "net.k1");
        var source = new SeededChoices(5);
        Draws(source, "client.k1");
        Draws(source, "faults.k1");

        Assert.Equal(alone, Draws(source, "net.k1"));
        Assert.NotEqual(alone, Draws(source, "net.k2"));
    }

    [Fact]
    public void A_choice_of_zero_is_the_simplest_answer_no_fault_and_the_shortest_delay()
    {
        var zero = ChoiceStream.Untraced(new ZeroChoices(), "any");

        Assert.False(zero.Chance("fault", 0.999));
        Assert.Equal(20, zero.Between("latency", (20, 200)));
        Assert.Equal("first", zero.Pick("which", ["first", "second"]));
    }

    private static FaultPlan Plan(RunSpec spec) => FaultPlan.Resolve(Http.Knobs, spec, new SeededChoices(spec.Seed));

    private static long[] Draws(IChoiceSource source, string stream)
    {
        var choices = ChoiceStream.Untraced(source, stream);
        return [.. Enumerable.Range(0, 8).Select(_ => choices.Choose("x", 1_000_000))];
    }

    private sealed class ZeroChoices : IChoiceSource
    {
        public IChoiceSequence Open(string stream) => new Zero();

        private sealed class Zero : IChoiceSequence
        {
            public long Next(string decision, long exclusiveMax) => 0;
        }
    }
}
