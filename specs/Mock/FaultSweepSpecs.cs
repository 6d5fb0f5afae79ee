using System.Globalization;
using Testbed.Engine.App;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>
/// Seeds of a rough world: scheduler jitter, empty reads, failing writes, one to three loops, fragmented
/// pipelined and chunked uploads with 100-continue, clients that reset or half-close at random moments, and
/// a stop in the middle of it all. Whatever the seed, the engine must not throw or log a problem, every
/// handle and loop must close, whole responses must parse, and the seed must replay to the same trace.
/// </summary>
public sealed class FaultSweepSpecs
{
    private const int Clients = 6;

    public static TheoryData<ulong> Seeds() => [.. Enumerable.Range(1, 24).Select(i => (ulong)i)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_rough_seed_ends_cleanly_and_replays(ulong seed)
    {
        var first = Run(seed);
        var again = Run(seed);

        Assert.Equal(first, again);
    }

    private static string Run(ulong seed)
    {
        var sim = new Simulation(seed, new SimulationOptions
        {
            Faults =
            {
                SchedulerJitter = (long)(seed % 3) * 40,
                ZeroReadChance = 0.1,
                WriteFailureChance = seed % 2 == 0 ? 0.05 : 0,
            },
        });
        var server = SimulatedServer.Start(sim, Upload(seed), o =>
        {
            o.ThreadCount = 1 + (int)(seed % 3);
            o.Limits.MaxRequestBufferSize = seed % 4 == 0 ? 2048 : 1 << 20;
        });
        var clients = Enumerable.Range(0, Clients).Select(i => Send(server, i)).ToList();

        sim.AdvanceBy(TimeSpan.FromMilliseconds(sim.Stream("spec").Choose("run", 5)));
        foreach (var client in clients)
        {
            Disturb(sim, client);
        }

        sim.AdvanceBy(TimeSpan.FromMilliseconds(sim.Stream("spec").Choose("run", 50)));
        server.Stop();

        // A stop that has to abort logs it at Information; nothing may log a warning or an error.
        Assert.Empty(server.Log.Problems);
        Assert.All(clients, AssertWholeResponsesParse);
        return sim.Trace.ToString();
    }

    /// <summary>Reads the whole body, then answers with a seeded size, with or without Content-Length.</summary>
    private static RequestDelegate Upload(ulong seed) => async context =>
    {
        var buffer = new byte[4096];
        while (await context.Request.Body.ReadAsync(buffer) > 0)
        {
        }

        var size = (int)(seed * 7919 % 300_000);
        if (seed % 5 == 0)
        {
            context.Response.Headers["Content-Length"] = size.ToString(CultureInfo.InvariantCulture);
        }

        var chunk = new byte[Math.Min(size, 10_000) + 1];
        for (var written = 0; written < size; written += chunk.Length)
        {
            await context.Response.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, size - written)));
        }
    };

    private static SimConnection Send(SimulatedServer server, int index)
    {
        var client = server.Connect();
        var body = new string('x', (int)server.Simulation.Stream("spec").Choose("body", 20_000));
        client.Send(
            index % 2 == 0
                ? $"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n{body}GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                : $"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\n",
            Fragmentation.Random(8));
        return client;
    }

    private static void Disturb(Simulation sim, SimConnection client)
    {
        switch (sim.Stream("spec").Choose("disturb", 4))
        {
            case 0:
                client.Reset();
                break;
            case 1:
                client.HalfClose();
                break;
        }
    }

    /// <summary>What arrived is whole responses, then at most one cut short by a reset or a failed write.</summary>
    private static void AssertWholeResponsesParse(SimConnection client)
    {
        var received = client.Received.AsSpan();
        while (ResponseReader.TryRead(received, headRequest: false, out var response, out var consumed))
        {
            Assert.True(response!.Status is 100 or 200, $"{client.Name} got {response.Status}");
            received = received[consumed..];
        }
    }
}
