using Testbed.Simulator.Apps;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Scenarios;

/// <summary>
/// The default scenario: a few clients of every kind (pipelining, 100-continue, HTTP/1.0, chunked bodies, idle
/// stretches, malformed requests, resets) against every app (streaming, slow, faulty), in a world whose faults,
/// limits and timeouts each seed draws for itself (swarm testing). Traffic runs under faults, with a graceful
/// stop in the middle of it when the plan says so; then faults stop, the run must settle, and the server stops.
/// </summary>
internal sealed class HttpScenario : Scenario
{
    private const int BodyCap = 300_000;

    /// <summary>The longest the traffic runs under faults before they stop.</summary>
    private static readonly TimeSpan FaultPhase = TimeSpan.FromSeconds(10);

    /// <summary>When the late wave of clients arrives, and the most it has (drawn, so a shrink can lower it).</summary>
    private static readonly TimeSpan LateWaveAfter = TimeSpan.FromSeconds(3);

    private const int LateWave = 3;

    public override string Name => "http";

    public override string Description => "Clients of every kind against every app, under a fault plan drawn from the seed";

    public override IReadOnlyList<KnobDraw> Knobs { get; } =
    [
        KnobDraw.Between(Faults.Knobs.Connections, 1, 8),
        KnobDraw.Between(Faults.Knobs.Requests, 1, 10),
        KnobDraw.Fixed(Faults.Knobs.MaxEvents, 5_000_000),
        new(Faults.Knobs.Loops, s => s.Chance("many", 0.4) ? 2 + s.Choose("extra", 2) : 1),
        new(Faults.Knobs.ResponseBuffer, s => s.Chance("small", 0.6) ? s.Pick<long?>("value", [0, 1, 100, 1_000, 4_096, 16_384, null]) : 65_536),
        new(Faults.Knobs.RequestBuffer, s => s.Chance("small", 0.4) ? s.Pick<long?>("value", [4_096, 9_000, 20_000, 65_536, null]) : 1_048_576),
        new(Faults.Knobs.RequestLine, s => s.Chance("small", 0.3) ? s.Pick("value", [256, 1_024, 2_048]) : 8_192),
        new(Faults.Knobs.HeaderBytes, s => s.Chance("small", 0.3) ? s.Pick("value", [512, 2_048, 8_192]) : 32_768),
        new(Faults.Knobs.BodyLimit, s => s.Chance("small", 0.4) ? s.Pick<long?>("value", [0, 1, 100, 4_096, 65_536, null]) : 30_000_000),
        new(Faults.Knobs.KeepAliveTimeout, s => s.Chance("short", 0.5) ? s.Between("value", (2, 20)) : 130),
        new(Faults.Knobs.HeadersTimeout, s => s.Chance("short", 0.5) ? s.Between("value", (2, 10)) : 30),
        new(Faults.Knobs.ResponseRate, s => s.Chance("on", 0.8) ? 240 : 0),
        new(Faults.Knobs.BodyRate, s => s.Chance("on", 0.8) ? 240 : 0),
        new(Faults.Knobs.RateGrace, s => s.Pick("value", [2, 3, 5])),

        // Descriptors (with every loop's listen socket counted) and connections scarce enough for a few clients to exhaust.
        new(Faults.Knobs.MaxConnections, s => s.Chance("on", 0.2) ? s.Between("value", (1, 4)) : null),
        KnobDraw.Over(Faults.Knobs.SocketLimit, Faults.Knobs.Loops, s => s.Chance("on", 0.2) ? s.Between("spare", (0, 5)) : null),
        new(Faults.Knobs.StopAt, s => s.Chance("on", 0.3) ? s.Between("value", (1, 300)) : 0),
        KnobDraw.Swarm(Faults.Knobs.WriteDelay, KnobDraw.Percent(1), KnobDraw.Percent(10), KnobDraw.Percent(50)),
        KnobDraw.Swarm(Faults.Knobs.WriteHold, KnobDraw.Percent(1), KnobDraw.Percent(10), KnobDraw.Percent(30)),
        KnobDraw.Swarm(Faults.Knobs.WriteFail, KnobDraw.Percent(0.5), KnobDraw.Percent(2), KnobDraw.Percent(10)),
        KnobDraw.Swarm(Faults.Knobs.Fragment, KnobDraw.Percent(5), KnobDraw.Percent(30), KnobDraw.Percent(100)),
        KnobDraw.Swarm(Faults.Knobs.Coalesce, KnobDraw.Percent(20), KnobDraw.Percent(100)),
        KnobDraw.Swarm(Faults.Knobs.ZeroRead, KnobDraw.Percent(5), KnobDraw.Percent(50)),
        KnobDraw.Swarm(Faults.Knobs.AcceptError, KnobDraw.Percent(10), KnobDraw.Percent(50)),
        KnobDraw.Swarm(Faults.Knobs.Jitter, 10, 100, 2_000),
        KnobDraw.Swarm(Faults.Knobs.LateTimer, KnobDraw.Percent(10), KnobDraw.Percent(50)),
        KnobDraw.Swarm(Faults.Knobs.Pipeline, KnobDraw.Percent(20), KnobDraw.Percent(60)),
        KnobDraw.Swarm(Faults.Knobs.ExpectContinue, KnobDraw.Percent(20), KnobDraw.Percent(70)),
        KnobDraw.Swarm(Faults.Knobs.Http10, KnobDraw.Percent(10), KnobDraw.Percent(40)),
        KnobDraw.Swarm(Faults.Knobs.ConnectionClose, KnobDraw.Percent(10), KnobDraw.Percent(30)),
        KnobDraw.Swarm(Faults.Knobs.HalfClose, KnobDraw.Percent(30), KnobDraw.Percent(100)),
        KnobDraw.Swarm(Faults.Knobs.ClientReset, KnobDraw.Percent(10), KnobDraw.Percent(30)),
        KnobDraw.Swarm(Faults.Knobs.ClientEof, KnobDraw.Percent(10), KnobDraw.Percent(30)),
        KnobDraw.Swarm(Faults.Knobs.Malformed, KnobDraw.Percent(5), KnobDraw.Percent(20)),
        KnobDraw.Swarm(Faults.Knobs.Stall, KnobDraw.Percent(20), KnobDraw.Percent(50)),
        KnobDraw.Swarm(Faults.Knobs.StopReading, KnobDraw.Percent(10), KnobDraw.Percent(30)),
        KnobDraw.Swarm(Faults.Knobs.Idle, KnobDraw.Percent(10), KnobDraw.Percent(30)),
        KnobDraw.Swarm(Faults.Knobs.AppFaults, KnobDraw.Percent(5), KnobDraw.Percent(20)),
        KnobDraw.Swarm(Faults.Knobs.SlowApps, KnobDraw.Percent(10), KnobDraw.Percent(40)),
    ];

    public override void Run(RunContext run)
    {
        var plan = run.Plan;
        var router = new AppRouter(run, AppRouter.Standard);
        run.StartServer(router.HandleAsync, options => WorldPlan.Apply(plan, options));

        var limits = run.ServerOptions.Limits;
        // Response sizes lean on the output's edges, request bodies on the input's.
        var responses = new Sizes([0, 1, 4_096, 65_536, limits.MaxResponseBufferSize ?? 0], BodyCap);
        var bodies = new Sizes([0, 1, limits.MaxRequestBodySize ?? 0, limits.MaxRequestBufferSize ?? 0, 65_536], BodyCap);
        var scripts = new ScriptGenerator(plan, limits, responses, bodies, router.Apps);
        for (var i = 1; i <= plan.Count(Faults.Knobs.Connections); i++)
        {
            run.AddClient(scripts.Draw(run.Simulation.Stream("client.k" + i), "k" + i));
        }

        bool AllFinished() => run.Clients.All(c => c.Finished);

        // Where descriptors or connections are scarce, a second wave arrives 3 s in, when the first has had time to
        // exhaust them: these clients meet a paused listener, or one that accepts again as connections close. It waits
        // the whole 3 s even when the first wave is done sooner, so a listener that ran short has had its heartbeats.
        if (plan.Value(Faults.Knobs.SocketLimit) is not null || plan.Value(Faults.Knobs.MaxConnections) is not null)
        {
            run.Simulation.AdvanceBy(LateWaveAfter);
            var wave = run.Simulation.Stream("client.wave").Between("clients", (1, LateWave));
            for (var i = 1; i <= wave; i++)
            {
                var name = "k" + (run.Clients.Count + 1);
                run.AddClient(scripts.Draw(run.Simulation.Stream("client." + name), name));
            }
        }

        // Settled: every client is done, and the server has closed every connection whose client is (a server that
        // keeps a reset connection open is as stuck as a client that never gets its answer).
        bool Settled() => AllFinished() && run.Connections.All.All(c => c.Closed);
        if (plan.Number(Faults.Knobs.StopAt) is var stopAt and > 0)
        {
            run.Simulation.TryRunUntil(AllFinished, TimeSpan.FromMilliseconds(stopAt), out _);
            run.BeginStop();
        }

        run.Simulation.TryRunUntil(AllFinished, FaultPhase, out _);
        run.EndFaults();

        // Long enough for the slowest client's planned waits, the timeouts they may cross, and some slack.
        var settle = run.Clients.Max(c => c.Script.PlannedWaits) + (2 * limits.KeepAliveTimeout) + limits.RequestHeadersTimeout + TimeSpan.FromSeconds(30);
        run.Settle("the clients and their connections, once faults stopped", Settled, settle);
        run.StopServer(run.ServerOptions.ShutdownTimeout + TimeSpan.FromSeconds(5));
    }
}
