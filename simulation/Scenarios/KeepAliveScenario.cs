using Testbed.Engine.App;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Simulator.Scenarios;

/// <summary>What one scenario run produced, for comparing runs.</summary>
public sealed record ScenarioResult(ulong Seed, int Requests, long Events, long VirtualMicros, ulong TraceHash, string Trace);

/// <summary>
/// The standard scenario: <see cref="Connections"/> clients each make <see cref="RequestsPerConnection"/>
/// keep-alive requests for a <see cref="ResponseBytes"/>-byte response, then half-close; the server stops
/// gracefully. Every response is checked byte for byte.
/// </summary>
public sealed class KeepAliveScenario
{
    public int Connections { get; init; } = 100;

    public int RequestsPerConnection { get; init; } = 10;

    public int ResponseBytes { get; init; } = 16 * 1024;

    public ScenarioResult Run(ulong seed, SimulationOptions? options = null)
    {
        var simulation = new Simulation(seed, options);
        var body = new byte[ResponseBytes];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)('a' + (i % 26));
        }

        RequestDelegate app = context =>
        {
            context.Response.Headers["Content-Length"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return context.Response.WriteAsync(body);
        };

        var server = SimulatedServer.Start(simulation, app);
        var finished = 0;
        var clients = Enumerable.Range(0, Connections).Select(_ => Connect(server, body, () => finished++)).ToList();
        clients.ForEach(c => c.Start());

        // Counted as clients finish rather than asking every client after every event.
        simulation.RunUntil(() => finished == clients.Count);
        server.Stop();
        Check(server.Log.Problems.Count == 0, "the server logged a problem: " + string.Join("; ", server.Log.Problems));
        var requests = clients.Sum(c => c.ResponseCount);
        return new ScenarioResult(seed, requests, simulation.EventsRun, simulation.NowMicros, simulation.Trace.Hash, simulation.Trace.ToString());
    }

    /// <summary>
    /// A client that checks every response byte for byte as it arrives. Neither the responses nor the server's
    /// writes are kept, so a long run holds no more than one response per connection.
    /// </summary>
    private KeepAliveClient Connect(SimulatedServer server, byte[] body, Action finished)
    {
        var connection = server.Connect();
        connection.RecordWrites = false;
        var client = new KeepAliveClient(connection, "/bytes", RequestsPerConnection) { KeepResponses = false };
        client.BodyReceived += (head, received) =>
        {
            Check(head.Status == 200 && received.SequenceEqual(body), "a response differs from what the app wrote");
            if (client.Done)
            {
                finished();
            }
        };

        return client;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new SimulationException(message);
        }
    }
}
