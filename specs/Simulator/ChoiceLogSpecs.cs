using Testbed.Simulator.Runs;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Specs.Simulator;

/// <summary>
/// A run's choice log: recorded, it replays the run byte for byte; forced, each stream takes its own choices in
/// order, and past their end every choice is the simplest. This is what shrinking edits.
/// </summary>
public sealed class ChoiceLogSpecs
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(42UL)]
    [InlineData(7607UL)]
    public void A_run_replayed_from_its_own_choice_log_gives_the_same_trace_byte_for_byte(ulong seed)
    {
        var spec = new RunSpec("http", seed);
        var recording = new RecordingChoices(new SeededChoices(seed));
        var original = Runner.Run(spec, new RunOptions { Trace = true, Choices = recording });

        var log = ChoiceLogFile.Parse(ChoiceLogFile.Format(recording.Log));
        var replayed = Runner.Run(spec, new RunOptions { Trace = true, Choices = new ForcedChoices(log) });

        Assert.NotEmpty(log);
        Assert.Equal(recording.Log, log);
        Assert.Equal(original.Trace, replayed.Trace);
        Assert.Equal(original.TraceHash, replayed.TraceHash);
    }

    [Fact]
    public void Past_the_end_of_the_log_every_choice_is_the_simplest()
    {
        var spec = new RunSpec("http", 1);
        var recording = new RecordingChoices(new ForcedChoices([]));
        var result = Runner.Run(spec, new RunOptions { Trace = true, Choices = recording });

        Assert.True(result.Passed, result.Failure?.ToString());
        Assert.All(recording.Log, choice => Assert.Equal(0, choice.Value));
        Assert.Equal(1, result.Plan.Count(Testbed.Simulator.Faults.Knobs.Connections));
        Assert.Equal(0, result.Plan.Number(Testbed.Simulator.Faults.Knobs.WriteFail));
    }

    [Fact]
    public void Each_stream_replays_its_own_choices_whatever_the_others_draw()
    {
        var forced = new ForcedChoices(
        [
            new Choice("a", "x", 3, 10),
            new Choice("b", "y", 5, 10),
            new Choice("a", "x", 4, 10),
        ]);
        var a = forced.Open("a");
        var b = forced.Open("b");

        Assert.Equal(5, b.Next("anything", 10));
        Assert.Equal(3, a.Next("x", 10));
        Assert.Equal(4, a.Next("renamed", 10));
        Assert.Equal(0, a.Next("x", 10)); // Past its end.
        Assert.Equal(0, forced.Open("never-logged").Next("z", 10));
    }

    [Fact]
    public void A_forced_value_over_the_bound_it_is_drawn_under_now_is_clamped_to_the_largest_allowed()
    {
        var forced = new ForcedChoices([new Choice("a", "x", 9, 10)]);

        Assert.Equal(3, forced.Open("a").Next("x", 4));
    }

    [Theory]
    [InlineData("{\"stream\":\"a\",\"decision\":\"x\",\"value\":3}", "line 1")]
    [InlineData("{\"stream\":\"a\",\"decision\":\"x\",\"value\":3,\"bound\":10}\nnot json", "line 2")]
    [InlineData("{\"stream\":\"a\",\"decision\":\"x\",\"value\":10,\"bound\":10}", "line 1")]
    public void A_line_that_is_not_a_choice_is_refused_by_its_number(string text, string named)
    {
        var problem = Assert.Throws<FormatException>(() => ChoiceLogFile.Parse(text));

        Assert.StartsWith(named + " ", problem.Message, StringComparison.Ordinal);
    }
}
