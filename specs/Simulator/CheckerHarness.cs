using Testbed.Engine.App;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Invariants;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Simulator;

/// <summary>
/// One checker on a real little world: a server on the mock with one client (k1, the engine's c1) that has made a
/// request, so a spec can feed the checker the one event that breaks its rule and watch it fire.
/// </summary>
internal sealed class CheckerHarness
{
    private CheckerHarness(InvariantChecker checker, RunContext run, SimConnection client)
    {
        Checker = checker;
        Run = run;
        Client = client;
    }

    public InvariantChecker Checker { get; }

    public RunContext Run { get; }

    public Testbed.Transports.Mock.Simulation Sim => Run.Simulation;

    /// <summary>The client's connection; the engine serves it as connection 1.</summary>
    public SimConnection Client { get; }

    public static CheckerHarness For(InvariantChecker checker, RequestDelegate? app = null, bool holdWrites = false)
    {
        var sim = new Testbed.Transports.Mock.Simulation(1);
        var spec = new RunSpec("http", 1);
        var run = new RunContext(spec, FaultPlan.Resolve([], spec, new SeededChoices(1)), sim, [checker]);
        run.StartServer(app ?? (context => context.Response.WriteAsync("hello"u8.ToArray())), _ => { });
        var client = run.Server.Connect(holdWrites);
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        return new CheckerHarness(checker, run, client);
    }

    /// <summary>Asserts <paramref name="act"/> breaks the checker's rule, and returns what it said.</summary>
    public string Fires(Action act)
    {
        var violation = Assert.Throws<InvariantViolation>(act);
        Assert.Equal(Checker.Name, violation.Invariant);
        return violation.Detail;
    }
}
