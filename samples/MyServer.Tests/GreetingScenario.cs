using Testbed.Simulator.Clients;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;

namespace MyServer.Tests;

/// <summary>
/// A scenario of one's own: a few keep-alive clients asking the greeting app for their greeting, with the
/// connection and request counts drawn from the seed, then a graceful stop.
/// </summary>
public sealed class GreetingScenario : Scenario
{
    public override string Name => "greeting";

    public override string Description => "keep-alive clients asking the greeting app for a greeting";

    public override IReadOnlyList<KnobDraw> Knobs { get; } =
    [
        KnobDraw.Fixed(Testbed.Simulator.Faults.Knobs.Connections, 3),
        KnobDraw.Fixed(Testbed.Simulator.Faults.Knobs.Requests, 4),
        KnobDraw.Fixed(Testbed.Simulator.Faults.Knobs.MaxEvents, 1_000_000),
    ];

    public override void Run(RunContext run)
    {
        var server = run.StartServer(GreetingApp.HandleAsync, _ => { });
        var clients = Enumerable.Range(0, run.Plan.Count(Testbed.Simulator.Faults.Knobs.Connections))
            .Select(i => new KeepAliveClient(server.Connect(), $"/hello?name=client{i}", run.Plan.Count(Testbed.Simulator.Faults.Knobs.Requests)))
            .ToList();
        clients.ForEach(client => client.Start());

        run.Settle("the greeting clients", () => clients.All(client => client.Done), TimeSpan.FromMinutes(1));
        run.StopServer(run.ServerOptions.ShutdownTimeout + TimeSpan.FromSeconds(5));
    }
}
