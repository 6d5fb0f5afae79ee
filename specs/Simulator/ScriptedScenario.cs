using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;

namespace Testbed.Specs.Simulator;

/// <summary>A scenario of a spec's own: the apps it names, the clients it scripts by hand, the default scenario's phases.</summary>
internal sealed class ScriptedScenario(IReadOnlyList<SimApp> apps, params Func<ServerLimits, ClientScript>[] clients) : Scenario
{
    public override string Name => "scripted";

    public override string Description => "a spec's own clients and apps";

    public override IReadOnlyList<KnobDraw> Knobs { get; } = [KnobDraw.Fixed(Testbed.Simulator.Faults.Knobs.MaxEvents, 1_000_000)];

    public static RunSpec Spec => new("scripted", 1);

    public override void Run(RunContext run)
    {
        var router = new AppRouter(run, apps);
        run.StartServer(router.HandleAsync, _ => { });
        foreach (var client in clients)
        {
            run.AddClient(client(run.ServerOptions.Limits));
        }

        run.EndFaults();
        run.Settle("the scripted clients", () => run.Clients.All(c => c.Finished) && run.Connections.All.All(c => c.Closed), TimeSpan.FromSeconds(60));
        run.StopServer(TimeSpan.FromSeconds(10));
    }
}
