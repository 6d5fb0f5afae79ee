using Testbed.Engine.App;
using Testbed.Engine.Hosting;
using Testbed.Simulator.Apps;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Invariants;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Simulator.Runs;

/// <summary>
/// One run while it goes: its spec and plan, the world, the server, the clients and app calls, and the phases a
/// scenario moves through (traffic under faults, then liveness, then a graceful stop). Everything the run's
/// drivers do is told to its observers from here.
/// </summary>
public sealed class RunContext
{
    private RunObserver[] _observers;
    private readonly List<SimulatedClient> _clients = [];
    private readonly List<AppCall> _appCalls = [];
    private SimulatedServer? _server;
    private Task? _stop;

    internal RunContext(RunSpec spec, FaultPlan plan, Simulation simulation, IReadOnlyList<RunObserver> observers)
    {
        Spec = spec;
        Plan = plan;
        Simulation = simulation;
        _observers = [Connections, .. observers];
        foreach (var observer in _observers)
        {
            observer.Attach(this);
            simulation.Observe(observer);
        }
    }

    public RunSpec Spec { get; }

    public FaultPlan Plan { get; }

    public Simulation Simulation { get; }

    /// <summary>The engine's connections matched with the network's, and what the engine did with each.</summary>
    public ConnectionDirectory Connections { get; } = new();

    public SimulatedServer Server => _server ?? throw new InvalidOperationException("the scenario has not started its server");

    /// <summary>The options the server was started with.</summary>
    public TestbedServerOptions ServerOptions { get; private set; } = new();

    public IReadOnlyList<SimulatedClient> Clients => _clients;

    /// <summary>The client exchange whose request is <paramref name="requestId"/> (<c>k3.2</c>), or null.</summary>
    public ClientExchange? FindExchange(string requestId) =>
        _clients.SelectMany(c => c.Exchanges).FirstOrDefault(e => e.Request.Id == requestId);

    /// <summary>Every app call so far, in the order they started.</summary>
    public IReadOnlyList<AppCall> AppCalls => _appCalls;

    /// <summary>Virtual µs at which the graceful stop began, or null.</summary>
    public long? StopBeganAt { get; private set; }

    /// <summary>The stop that began, once it has.</summary>
    public Task? Stop => _stop;

    /// <summary>Starts the server with <paramref name="app"/>; <paramref name="configure"/> sets its options from the plan.</summary>
    public SimulatedServer StartServer(RequestDelegate app, Action<TestbedServerOptions> configure)
    {
        _server = SimulatedServer.Start(Simulation, app, options =>
        {
            configure(options);
            ServerOptions = options;
        });
        return _server;
    }

    /// <summary>
    /// Attaches an observer of the scenario's own from now on, after the runner's checkers: it sees every later
    /// event, and its <see cref="RunObserver.RunEnded"/> runs last (a replay compares its output there).
    /// </summary>
    public void AddObserver(RunObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Attach(this);
        Simulation.Observe(observer);
        _observers = [.. _observers, observer];
    }

    /// <summary>Adds a client; it starts at once (after its script's delay).</summary>
    public SimulatedClient AddClient(ClientScript script)
    {
        var client = new SimulatedClient(this, "k" + (_clients.Count + 1), script);
        _clients.Add(client);
        client.Start();
        return client;
    }

    /// <summary>An app call began: recorded and told to the observers.</summary>
    internal void AppCallStarted(AppCall call)
    {
        _appCalls.Add(call);
        Tell(static (o, c) => o.AppCallStarted(c), call);
    }

    /// <summary>An app call returned, or threw <paramref name="exception"/>.</summary>
    internal void AppCallEnded(AppCall call, Exception? exception)
    {
        call.Finished = true;
        Tell(static (o, a) => o.AppCallEnded(a.Call, a.Exception), (Call: call, Exception: exception));
    }

    /// <summary>
    /// Runs until <paramref name="settled"/> holds. A run that does not settle within <paramref name="within"/> of
    /// virtual time breaks <see cref="Liveness"/>, with what is still stuck.
    /// </summary>
    public void Settle(string phase, Func<bool> settled, TimeSpan within)
    {
        if (!Simulation.TryRunUntil(settled, within, out var why))
        {
            Simulation.Fail(Liveness.InvariantName, $"{phase} did not settle within {within.TotalSeconds:0.###} s of virtual time ({why}); {Liveness.DescribeStuck(this)}");
        }
    }

    /// <summary>Ends the fault phase: the world's faults stop, and writes a fault held are released.</summary>
    public void EndFaults()
    {
        Simulation.StopFaults();
        Tell(static (o, _) => o.FaultsEnded(), 0);
    }

    /// <summary>Begins a graceful stop of the server, once.</summary>
    public void BeginStop()
    {
        if (_stop is not null)
        {
            return;
        }

        StopBeganAt = Simulation.NowMicros;
        Tell(static (o, _) => o.StopBegan(), 0);
        _stop = Server.BeginStop();
    }

    /// <summary>
    /// Stops the server (begun now if it was not) and waits for the stop to end within <paramref name="within"/>;
    /// then, within the same bound again, for every app call still running (one the stop gave up on may still
    /// await a delay of its own) to return and every queued piece of work to run.
    /// </summary>
    public void StopServer(TimeSpan within)
    {
        BeginStop();
        Settle("the server's graceful stop", () => _stop!.IsCompleted, within);
        Settle("the work the stop left running", () => _appCalls.All(c => c.Finished) && Simulation.IsIdle, within);
    }

    /// <summary>The last checks of every observer; called by the runner once the scenario is over.</summary>
    internal void End() => Tell(static (o, _) => o.RunEnded(), 0);

    internal void Tell<T>(Action<RunObserver, T> call, T argument)
    {
        foreach (var observer in _observers)
        {
            call(observer, argument);
        }
    }
}
