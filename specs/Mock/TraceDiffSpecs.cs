using Testbed.Simulator.Traces;

namespace Testbed.Specs.Mock;

/// <summary>The self-check that names the first event at which two runs diverge.</summary>
public sealed class TraceDiffSpecs
{
    private const string Trace = "# seed 1\n000001 0.000000 uv.loop_init L1\n000002 0.000120 cb.read h2 n=38\n000003 0.000120 sched.queue j1\n";

    [Fact]
    public void Identical_traces_do_not_diverge()
    {
        Assert.Null(TraceDiff.FirstDivergence(Trace, new string(Trace.AsSpan())));
    }

    [Fact]
    public void The_first_differing_line_is_named_with_both_sides()
    {
        var other = Trace.Replace("n=38", "n=37", StringComparison.Ordinal).Replace("j1", "j9", StringComparison.Ordinal);

        var divergence = TraceDiff.FirstDivergence(Trace, other);

        Assert.Equal(new TraceDivergence(3, "000002 0.000120 cb.read h2 n=38", "000002 0.000120 cb.read h2 n=37"), divergence);
        Assert.Equal(
            "traces diverge at line 3:\n  run 1: 000002 0.000120 cb.read h2 n=38\n  run 2: 000002 0.000120 cb.read h2 n=37",
            divergence!.Describe("run 1", "run 2"));
    }

    [Fact]
    public void A_trace_that_stops_early_diverges_where_it_ends()
    {
        var shorter = Trace[..Trace.IndexOf("000003", StringComparison.Ordinal)];

        var divergence = TraceDiff.FirstDivergence(Trace, shorter);

        Assert.Equal(new TraceDivergence(4, "000003 0.000120 sched.queue j1", null), divergence);
        Assert.Contains("actual: <trace ended>", divergence!.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_final_newline_is_a_difference_and_is_shown()
    {
        var divergence = TraceDiff.FirstDivergence(Trace, Trace.TrimEnd('\n'));

        Assert.Equal(new TraceDivergence(4, "000003 0.000120 sched.queue j1", "000003 0.000120 sched.queue j1" + TraceDiff.NoNewline), divergence);
    }

    [Fact]
    public void A_carriage_return_is_a_difference_and_is_shown()
    {
        var crlf = Trace.Replace("\n", "\r\n", StringComparison.Ordinal);

        var divergence = TraceDiff.FirstDivergence(Trace, crlf);

        Assert.Equal(1, divergence!.LineNumber);
        Assert.Contains("# seed 1\\r", divergence.Describe(), StringComparison.Ordinal);
    }
}
