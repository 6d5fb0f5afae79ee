using System.Globalization;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Invariants;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock;

namespace Testbed.Simulator.Scenarios;

/// <summary>
/// The standard load: <c>connections</c> clients each make <c>requests</c> keep-alive requests for a
/// <c>bytes</c>-byte response, then half-close; no faults. Every body is checked where it lies, so a long run
/// keeps no more than one response per connection. The benchmark and the determinism specs run it.
/// </summary>
internal sealed class KeepAliveScenario : Scenario
{
    public override string Name => "keepalive";

    public override string Description => "Keep-alive clients fetching one fixed response, no faults: the benchmark's load";

    public override IReadOnlyList<KnobDraw> Knobs { get; } =
    [
        KnobDraw.Fixed(Faults.Knobs.Connections, 100),
        KnobDraw.Fixed(Faults.Knobs.Requests, 10),
        KnobDraw.Fixed(Faults.Knobs.ResponseBytes, 16 * 1024),
        KnobDraw.Fixed(Faults.Knobs.MaxEvents, 50_000_000),
    ];

    public override void Run(RunContext run)
    {
        var body = new byte[run.Plan.Count(Faults.Knobs.ResponseBytes)];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)('a' + (i % 26));
        }

        var length = body.Length.ToString(CultureInfo.InvariantCulture);
        var server = run.StartServer(
            context =>
            {
                context.Response.Headers["Content-Length"] = length;
                return context.Response.WriteAsync(body);
            },
            _ => { });

        var finished = 0;
        var requests = run.Plan.Count(Faults.Knobs.Requests);
        var clients = Enumerable.Range(0, run.Plan.Count(Faults.Knobs.Connections)).Select(_ =>
        {
            var connection = server.Connect();
            connection.RecordWrites = false;
            var client = new KeepAliveClient(connection, "/bytes", requests) { KeepResponses = false };
            client.BodyReceived += (head, received) =>
            {
                if (head.Status != 200 || !received.SequenceEqual(body))
                {
                    run.Simulation.Fail(ResponseMatchesApp.InvariantName, $"{connection.Name}: a response differs from what the app wrote");
                }

                if (client.Done)
                {
                    finished++;
                }
            };
            return client;
        }).ToList();
        clients.ForEach(c => c.Start());

        // Counted as clients finish rather than asking every client after every event.
        run.Settle("the keep-alive clients", () => finished == clients.Count, TimeSpan.FromHours(1));
        run.StopServer(run.ServerOptions.ShutdownTimeout + TimeSpan.FromSeconds(5));
    }
}
