using Testbed.Simulator.Clients;
using Testbed.Simulator.Invariants;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Shrinking;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Specs.Simulator;

/// <summary>
/// Shrinking a failing run's choice log: the result breaks the same invariant, is smaller in every way that
/// counts, replays from its case, and is the same every time.
/// </summary>
public sealed class ShrinkSpecs
{
    private static readonly IReadOnlyList<Func<RunObserver>> PutIsABug = [() => new PutSeen()];

    [Fact]
    public void A_failing_run_shrinks_to_one_connection_and_no_fault_and_breaks_the_same_invariant()
    {
        var (spec, log) = FirstFailingSeed();
        var before = Size(spec, log);

        var shrunk = new Shrinker(Runner.Resolve(spec), spec, PutSeen.InvariantName, new ShrinkLimits(), PutIsABug).Shrink(log);
        var after = Size(spec, shrunk.Choices);

        Assert.Equal(PutSeen.InvariantName, Replay(spec, shrunk.Choices).Failure?.Invariant);
        Assert.Equal(1, after.Connections);
        Assert.Equal(0, after.Faults);
        Assert.True(after.Requests <= 3, $"{after.Requests} requests left");
        Assert.True(shrunk.Choices.Count < log.Count / 2, $"{log.Count} choices → {shrunk.Choices.Count}");
        Assert.True(after.Events < before.Events, $"{before.Events} events → {after.Events}");
        Assert.Equal("no edit makes it smaller", shrunk.StoppedBecause);
    }

    [Fact]
    public void A_client_loses_the_requests_around_the_one_that_breaks_and_its_reset_follows_that_one()
    {
        var resetInPost = new ResetInPost();
        IReadOnlyList<Func<RunObserver>> observers = [() => resetInPost];
        var (spec, log) = FirstFailingSeed(ResetInPost.InvariantName, observers, () => resetInPost.Exchange >= 2);

        var shrunk = new Shrinker(Runner.Resolve(spec), spec, ResetInPost.InvariantName, new ShrinkLimits(), observers).Shrink(log);
        var replayed = Runner.Run(spec, new RunOptions { Choices = new ForcedChoices(shrunk.Choices), Observers = observers });

        Assert.Equal(ResetInPost.InvariantName, replayed.Failure?.Invariant);
        Assert.Equal((1, 0), (resetInPost.Requests, resetInPost.Exchange));
    }

    [Fact]
    public void A_log_read_by_name_keeps_each_value_with_its_decision_when_a_draw_is_gone()
    {
        var stream = new AlignedChoices([new("s", "a", 1, 10), new("s", "gone", 5, 10), new("s", "b", 2, 10)]).Open("s");

        Assert.Equal(1, stream.Next("a", 10));
        Assert.Equal(2, stream.Next("b", 10));
        Assert.Equal(0, stream.Next("c", 10));
    }

    [Fact]
    public void A_log_read_by_name_answers_a_new_draw_with_0_and_looks_only_a_few_choices_ahead()
    {
        var far = Enumerable.Range(0, AlignedChoices.LookAhead).Select(i => new Choice("s", "x" + i, 1, 10));
        var stream = new AlignedChoices([new("s", "a", 1, 10), .. far, new("s", "b", 7, 10)]).Open("s");

        Assert.Equal(0, stream.Next("new", 10));
        Assert.Equal(1, stream.Next("a", 10));
        Assert.Equal(0, stream.Next("b", 10));
        Assert.Equal(1, stream.Next("x0", 10));
    }

    [Fact]
    public void Shrinking_the_same_run_twice_gives_the_same_choices()
    {
        var (spec, log) = FirstFailingSeed();

        var first = new Shrinker(Runner.Resolve(spec), spec, PutSeen.InvariantName, new ShrinkLimits(), PutIsABug).Shrink(log);
        var second = new Shrinker(Runner.Resolve(spec), spec, PutSeen.InvariantName, new ShrinkLimits(), PutIsABug).Shrink(log);

        Assert.Equal(first.Choices, second.Choices);
    }

    [Fact]
    public void A_shrink_stops_at_its_step_limit_and_says_so()
    {
        var (spec, log) = FirstFailingSeed();

        var shrunk = new Shrinker(Runner.Resolve(spec), spec, PutSeen.InvariantName, new ShrinkLimits(MaxSteps: 3), PutIsABug).Shrink(log);

        Assert.Equal(3, shrunk.Steps);
        Assert.Equal("3 steps accepted", shrunk.StoppedBecause);
        Assert.Equal(PutSeen.InvariantName, Replay(spec, shrunk.Choices).Failure?.Invariant);
    }

    [Fact]
    public void A_case_reads_back_from_its_file_and_replays_its_failure()
    {
        var (spec, log) = FirstFailingSeed();
        var failure = new FailureCase(spec, PutSeen.InvariantName, log);

        var read = FailureCase.Parse(failure.Format());

        Assert.Equal(failure.Spec, read.Spec);
        Assert.Equal(failure.Invariant, read.Invariant);
        Assert.Equal(failure.Choices, read.Choices);
        Assert.Equal(PutSeen.InvariantName, read.Run(new RunOptions { Observers = PutIsABug }).Failure?.Invariant);
        Assert.Contains("FailureCase.Parse(", read.ToXunit("Shrunk_case_passes"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_is_measured_up_to_its_violation_not_to_the_end_of_that_event()
    {
        var (spec, log) = FirstFailingSeed();
        var failure = new FailureCase(spec, PutSeen.InvariantName, log);

        var traced = failure.Run(new RunOptions { Trace = true, Observers = PutIsABug });

        Assert.Equal(traced.Failure!.TraceLine, RunSize.Of(failure, PutIsABug).TraceLines);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"spec\":{\"scenario\":\"http\",\"seed\":\"1\",\"set\":{}},\"choices\":[]}")]
    [InlineData("{\"spec\":{\"scenario\":\"http\",\"seed\":\"1\",\"set\":{}},\"invariant\":\"x\",\"choices\":[{\"stream\":\"a\"}]}")]
    public void Anything_but_a_case_is_refused_with_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => FailureCase.Parse(text));

    /// <summary>The first seed of the default scenario that sends a PUT, with the choices it drew.</summary>
    private static (RunSpec Spec, IReadOnlyList<Choice> Log) FirstFailingSeed() => FirstFailingSeed(PutSeen.InvariantName, PutIsABug, () => true);

    /// <summary>The first seed that breaks <paramref name="invariant"/> among several clients, and as <paramref name="wanted"/> says.</summary>
    private static (RunSpec Spec, IReadOnlyList<Choice> Log) FirstFailingSeed(string invariant, IReadOnlyList<Func<RunObserver>> observers, Func<bool> wanted)
    {
        for (var seed = 1UL; seed < 300; seed++)
        {
            var spec = new RunSpec("http", seed);
            var recording = new RecordingChoices(new SeededChoices(seed));
            if (Runner.Run(spec, new RunOptions { Choices = recording, Observers = observers }).Failure?.Invariant == invariant
                && recording.Log.Count(c => c.Stream.StartsWith("client.", StringComparison.Ordinal)) > 100
                && wanted())
            {
                return (spec, recording.Log);
            }
        }

        throw new InvalidOperationException($"no seed under 300 breaks {invariant} among several clients as wanted");
    }

    private static RunResult Replay(RunSpec spec, IReadOnlyList<Choice> log) =>
        Runner.Run(spec, new RunOptions { Choices = new ForcedChoices(log), Observers = PutIsABug });

    private static (int Connections, int Requests, int Faults, long Events) Size(RunSpec spec, IReadOnlyList<Choice> log)
    {
        var size = RunSize.Of(new FailureCase(spec, PutSeen.InvariantName, log), PutIsABug);
        return (size.Connections, size.Requests, size.FaultEvents, Replay(spec, log).Events);
    }

    /// <summary>A stand-in bug: any PUT breaks it.</summary>
    private sealed class PutSeen : InvariantChecker
    {
        public const string InvariantName = "put-seen";

        public override string Name => InvariantName;

        public override void RequestStarted(long connection, string method, string target)
        {
            if (method == "PUT")
            {
                Fail($"c{connection} started a PUT");
            }
        }
    }

    /// <summary>A stand-in bug: a client whose script resets in the middle of a POST breaks it (when it ends).</summary>
    private sealed class ResetInPost : InvariantChecker
    {
        public const string InvariantName = "reset-in-post";

        public override string Name => InvariantName;

        /// <summary>The breaking client's requests, and the index of the one its reset falls in.</summary>
        public int Requests { get; private set; }

        public int Exchange { get; private set; }

        public override void ClientEnded(SimulatedClient client)
        {
            if (client.Script.Disruption is { Kind: DisruptionKind.Reset } reset && client.Script.Steps[reset.Exchange].Request.Method == "POST")
            {
                (Requests, Exchange) = (client.Script.Steps.Count, reset.Exchange);
                Fail($"{client.Name} resets in a POST");
            }
        }
    }
}
