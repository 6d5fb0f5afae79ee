using Testbed.Engine.App;
using Testbed.Simulator.Apps;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Invariants;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Specs.Simulator;

/// <summary>
/// Whole runs that break a rule, with a bug planted in a spec's own app, client or observer (the engine cannot be
/// broken from a spec): each ends as a failed result naming the rule, the event and the virtual time.
/// </summary>
public sealed class RunFailureSpecs
{
    [Fact]
    public void An_app_that_answers_other_than_its_oracle_says_breaks_response_matches_app()
    {
        var result = Run(new LyingPlainApp());

        Assert.Equal("response-matches-app", result.Failure!.Invariant);
        Assert.Contains("k1.1 GET /plain", result.Failure.Detail, StringComparison.Ordinal);
        Assert.True(result.Failure.EventNumber > 0);
    }

    [Fact]
    public void An_app_that_never_returns_breaks_liveness_naming_what_is_stuck()
    {
        var result = Run(new NeverReturningApp());

        Assert.Equal("liveness", result.Failure!.Invariant);
        Assert.Contains("app calls running: [k1.1 in /plain", result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_app_that_leaves_the_simulation_thread_breaks_thread_escape()
    {
        var result = Run(new EscapingApp());

        Assert.Equal("thread-escape", result.Failure!.Invariant);
    }

    [Fact]
    public void An_observer_that_throws_inside_an_event_is_an_unhandled_exception()
    {
        var result = Runner.Run(Scenario(new PlainApp()), ScriptedScenario.Spec, new RunOptions { Observers = [() => new ThrowingObserver()] });

        Assert.Equal("unhandled-exception", result.Failure!.Invariant);
        Assert.Contains("threw InvalidOperationException: planted", result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_traced_failure_keeps_the_last_lines_of_the_trace_up_to_the_violation()
    {
        var result = Runner.Run(Scenario(new LyingPlainApp()), ScriptedScenario.Spec, new RunOptions { Trace = true, TraceTail = 40 });

        Assert.Equal(40, result.Failure!.TraceTail.Count);
        Assert.EndsWith(result.Failure.TraceTail[^1] + "\n", result.Trace, StringComparison.Ordinal);
        // The run stops at the end of the event in which the rule broke, so the line it broke after is in the tail.
        Assert.Contains(result.Failure.TraceTail, line => line.StartsWith($"{result.Failure.TraceLine:D6} ", StringComparison.Ordinal));
    }

    private static RunResult Run(SimApp app) => Runner.Run(Scenario(app), ScriptedScenario.Spec);

    private static ScriptedScenario Scenario(SimApp app) =>
        new([app], limits => Scripts.One(new RequestPlan { Id = "k1.1", Method = "GET", Target = "/plain", App = app }, limits));

    /// <summary>Writes one byte more than its oracle says.</summary>
    private sealed class LyingPlainApp : SimApp
    {
        public override string Path => "/plain";

        public override string DrawTarget(ChoiceStream client, Sizes sizes) => Path;

        public override Task HandleAsync(AppCall call)
        {
            call.SetContentLength(3);
            return call.WriteAsync("abc"u8.ToArray());
        }

        public override AppAnswer Answer(RequestPlan request) => new() { DeclaredLength = 2, Body = "ab"u8.ToArray(), StartsBeforeReturning = true };
    }

    private sealed class NeverReturningApp : SimApp
    {
        public override string Path => "/plain";

        public override string DrawTarget(ChoiceStream client, Sizes sizes) => Path;

        public override Task HandleAsync(AppCall call) => new TaskCompletionSource().Task;

        public override AppAnswer Answer(RequestPlan request) => new PlainApp().Answer(request);
    }

    private sealed class EscapingApp : SimApp
    {
        public override string Path => "/plain";

        public override string DrawTarget(ChoiceStream client, Sizes sizes) => Path;

        public override async Task HandleAsync(AppCall call)
        {
            await Task.Run(() => { });
            await new PlainApp().HandleAsync(call);
        }

        public override AppAnswer Answer(RequestPlan request) => new PlainApp().Answer(request);
    }

    /// <summary>Throws from a world event (a read delivery): engine code never gets to catch it.</summary>
    private sealed class ThrowingObserver : RunObserver
    {
        public override void ReadDelivered(Testbed.Transports.Mock.Network.SimConnection connection, int bytes, int segments) => throw new InvalidOperationException("planted");
    }
}
