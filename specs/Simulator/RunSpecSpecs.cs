using System.CommandLine;
using Testbed.Cli.Simulation;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;

namespace Testbed.Specs.Simulator;

/// <summary>A run spec reads back from its own renderings: from CLI flags through the CLI's own parser, and from JSON.</summary>
public sealed class RunSpecSpecs
{
    public static TheoryData<string> Specs() =>
    [
        "{\"scenario\":\"http\",\"seed\":\"1\",\"set\":{}}",
        "{\"scenario\":\"http\",\"seed\":\"18446744073709551615\",\"set\":{\"loops\":\"3\",\"response-buffer\":\"unlimited\",\"stop-at\":\"off\",\"write-fail\":\"0.05\"}}",
        "{\"scenario\":\"keepalive\",\"seed\":\"42\",\"set\":{\"bytes\":\"0\",\"connections\":\"10000\",\"requests\":\"1\"}}",
        "{\"scenario\":\"http\",\"seed\":\"7\",\"set\":{\"body-limit\":\"0\",\"jitter\":\"2000\",\"keepalive-timeout\":\"1\",\"late-timer\":\"0.000001\"}}",
    ];

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_spec_reads_back_from_its_json_and_its_flags_to_an_equal_spec(string json)
    {
        var spec = RunSpec.FromJson(json);

        Assert.Equal(json, spec.ToJson()); // Knobs in name order, so a spec has one rendering.
        Assert.Equal(spec, RunSpec.FromJson(spec.ToJson()));
        Assert.Equal(spec, ParseFlags(spec.ToArgs()));
    }

    [Theory]
    [InlineData("{\"scenario\":\"http\",\"seed\":\"1\",\"set\":{\"write-fail\":\"2\"}}", "knob 'write-fail': '2' is not a rate between 0 and 1 (or off)")]
    [InlineData("{\"scenario\":\"http\",\"seed\":\"1\",\"set\":{\"bogus\":\"1\"}}", "unknown knob 'bogus'")]
    [InlineData("{\"scenario\":\"http\",\"seed\":\"-1\"}", "seed '-1' is not a whole number")]
    [InlineData("{\"seed\":\"1\"}", "no scenario")]
    [InlineData("not json", "not a run spec")]
    public void A_bad_spec_is_a_format_error_that_says_what_is_wrong(string json, string problem)
    {
        var error = Assert.Throws<FormatException>(() => RunSpec.FromJson(json));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_knob_writes_its_values_so_that_they_read_back_the_same()
    {
        foreach (var knob in Knobs.All)
        {
            long?[] values = [knob.Min, knob.Max, knob.Min + ((knob.Max - knob.Min) / 3), .. knob.CanBeUnlimited ? new long?[] { null } : []];
            foreach (var value in values)
            {
                Assert.True(knob.TryParse(knob.Format(value), out var back, out var error), $"{knob}: {knob.Format(value)}: {error}");
                Assert.Equal(value, back);
            }
        }
    }

    [Fact]
    public void The_replay_line_is_the_specs_own_flags()
    {
        var spec = new RunSpec("http", 5, new Dictionary<string, long?> { ["write-fail"] = 50_000, ["response-buffer"] = null });

        Assert.Equal("--scenario http --seed 5 --response-buffer unlimited --write-fail 0.05", spec.ToString());
        Assert.Equal("testbed replay --scenario http --seed 5 --response-buffer unlimited --write-fail 0.05 --expect-hash 00000000000000ff", ReplayLine.For(spec, 255));
    }

    private static RunSpec ParseFlags(IReadOnlyList<string> args)
    {
        var options = new SpecOptions(withSeed: true);
        var command = new RootCommand();
        options.AddTo(command);
        var parsed = command.Parse([.. args]);
        Assert.Empty(parsed.Errors);
        return options.Read(parsed);
    }
}
