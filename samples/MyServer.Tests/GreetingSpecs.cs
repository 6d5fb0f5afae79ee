using Testbed.Simulator.Runs;
using Testbed.Simulator.Sweeps;

namespace MyServer.Tests;

/// <summary>The greeting app on the deterministic mock: one seed, a small sweep, and a check that bites.</summary>
public sealed class GreetingSpecs
{
    private static readonly GreetingScenario Scenario = new();
    private static readonly RunOptions WithMyInvariant = new() { Observers = [() => new EveryResponseIsOk()] };

    [Fact]
    public void One_seed_passes_every_built_in_invariant_and_mine()
    {
        var result = Runner.Run(Scenario, new RunSpec(Scenario.Name, seed: 1), WithMyInvariant);

        Assert.True(result.Passed, result.Failure?.Detail);
        Assert.Equal(12, result.Requests);
    }

    [Fact]
    public void A_small_sweep_finds_no_violation()
    {
        var sweep = Sweep.Run(Scenario, new RunSpec(Scenario.Name, seed: 1), new SeedRange(1, 50), new SweepOptions { Run = WithMyInvariant });

        Assert.Equal(50, sweep.Passed);
    }

    [Fact]
    public void My_invariant_bites_when_a_client_asks_for_what_the_app_does_not_have()
    {
        var spec = new RunSpec(Scenario.Name, seed: 1);
        var result = Runner.Run(new MissingPageScenario(), spec, WithMyInvariant);

        Assert.Equal("every-response-is-ok", result.Failure?.Invariant);
    }

    /// <summary>The greeting scenario with a client that asks for a page the app does not serve.</summary>
    private sealed class MissingPageScenario : Testbed.Simulator.Scenarios.Scenario
    {
        public override string Name => Scenario.Name;

        public override string Description => "a client asking for a missing page";

        public override IReadOnlyList<Testbed.Simulator.Faults.KnobDraw> Knobs => Scenario.Knobs;

        public override void Run(RunContext run)
        {
            var server = run.StartServer(GreetingApp.HandleAsync, _ => { });
            var client = new Testbed.Simulator.Clients.KeepAliveClient(server.Connect(), "/missing", 1);
            client.Start();
            run.Settle("the client", () => client.Done, TimeSpan.FromMinutes(1));
            run.StopServer(run.ServerOptions.ShutdownTimeout + TimeSpan.FromSeconds(5));
        }
    }
}
