using Testbed.Engine.App;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// MinRequestBodyDataRate and MinResponseDataRate on the virtual clock: a peer that stops sending its body, or
/// stops taking its response, is cut off at the first heartbeat after the grace period, never before it; one
/// that keeps up is left alone; and with the rate off nothing cuts it.
/// </summary>
public sealed class DataRateSpecs
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_body_that_stops_after_10_of_100_bytes_gets_408_at_the_first_heartbeat_after_the_grace_period()
    {
        var sim = new Simulation(401);
        var server = SimulatedServer.Start(sim, EchoBody);
        var client = server.Connect();

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789");
        sim.RunUntilIdle();
        var stalled = sim.NowMicros;

        sim.AdvanceBy(Grace - TimeSpan.FromMilliseconds(1));
        Assert.False(client.ServerFinished, "cut off before the grace period was over");
        sim.RunUntil(() => client.ServerFinished, within: Heartbeat + Heartbeat);

        Assert.InRange(sim.NowMicros - stalled, Micros(Grace), Micros(Grace + Heartbeat));
        var answer = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.Ordinal);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_body_that_stalls_after_the_response_started_is_aborted()
    {
        var sim = new Simulation(402);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await context.Response.WriteAsync("started "u8.ToArray());
            await MockApps.ReadBodyAsync(context);
        });
        var client = server.Connect();

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789");
        sim.RunUntilIdle();
        Assert.Contains("started ", client.ReceivedText, StringComparison.Ordinal);
        var stalled = sim.NowMicros;
        sim.RunUntil(() => client.ServerClosed, within: Grace + Heartbeat + Heartbeat);

        Assert.InRange(sim.NowMicros - stalled, Micros(Grace), Micros(Grace + Heartbeat));
        Assert.DoesNotContain("408", client.ReceivedText, StringComparison.Ordinal);
        Assert.Contains("srv.abort c1 RequestBodyTooSlow", sim.Trace.ToString(), StringComparison.Ordinal);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_body_trickled_faster_than_the_rate_is_served_however_long_it_takes()
    {
        var sim = new Simulation(403);
        var server = SimulatedServer.Start(sim, EchoBody);
        var client = server.Connect();
        var body = new string('b', 3_000);

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n");
        for (var sent = 0; sent < body.Length; sent += 30)
        {
            client.Send(body.Substring(sent, 30));   // 300 bytes/s, above the 240 the rate asks for
            sim.AdvanceBy(TimeSpan.FromMilliseconds(100));
        }

        sim.RunUntilIdle();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", client.ReceivedText, StringComparison.Ordinal);
        Assert.Contains(body, client.ReceivedText, StringComparison.Ordinal);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_body_trickled_slower_than_the_rate_is_cut_off_once_the_grace_period_is_over()
    {
        var sim = new Simulation(404);
        var server = SimulatedServer.Start(sim, EchoBody);
        var client = server.Connect();

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n");
        for (var i = 0; i < 60 && !client.ServerFinished; i++)
        {
            client.Send("0123456789");                // 100 bytes/s, under the 240 the rate asks for
            sim.AdvanceBy(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(client.ServerFinished, "a body at 100 bytes/s was still being read after 6 s");
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", client.ReceivedText, StringComparison.Ordinal);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void With_the_body_rate_off_a_stalled_body_waits_as_long_as_it_takes()
    {
        var sim = new Simulation(405);
        var server = SimulatedServer.Start(sim, EchoBody, o => o.Limits.MinRequestBodyDataRate = null);
        var client = server.Connect();

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n0123456789");
        sim.AdvanceBy(TimeSpan.FromSeconds(120));
        Assert.False(client.ServerFinished);
        client.Send("abcdefghij");
        sim.RunUntilIdle();

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", client.ReceivedText, StringComparison.Ordinal);
        Assert.Contains("0123456789abcdefghij", client.ReceivedText, StringComparison.Ordinal);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_client_that_stops_receiving_a_large_response_is_aborted_at_the_first_heartbeat_after_the_grace_period()
    {
        var sim = new Simulation(406);
        var server = SimulatedServer.Start(sim, LargeResponse);
        var client = server.Connect();

        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntil(() => client.Received.Length > 100_000);
        client.StopReceiving();
        var stalled = sim.NowMicros;
        sim.RunUntilIdle();
        Assert.NotEmpty(client.WritesInFlight);

        sim.AdvanceBy(Grace - TimeSpan.FromMilliseconds(1));
        Assert.False(client.ServerClosed, "cut off before the grace period was over");
        sim.RunUntil(() => client.ServerClosed, within: Heartbeat + Heartbeat);

        Assert.InRange(sim.NowMicros - stalled, Micros(Grace), Micros(Grace + Heartbeat));
        Assert.Contains("srv.abort c1 ResponseTooSlow", sim.Trace.ToString(), StringComparison.Ordinal);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_slow_reader_that_keeps_up_with_the_rate_gets_the_whole_response()
    {
        var sim = new Simulation(407);
        var server = SimulatedServer.Start(sim, LargeResponse, o => o.Limits.MinResponseDataRate = new MinDataRate(240, Grace));
        var client = server.Connect(holdWrites: true);

        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        // Each write taken 2 s after it went out: slow, but far above 240 bytes/s for writes of kilobytes.
        while (!client.ServerFinished)
        {
            sim.AdvanceBy(TimeSpan.FromSeconds(2));
            Assert.False(client.ServerClosed, "a reader above the rate was cut off");
            foreach (var write in client.WritesInFlight.ToArray())
            {
                write.Complete();
            }

            sim.RunUntilIdle();
        }

        Assert.EndsWith(new string('r', 100), client.ReceivedText, StringComparison.Ordinal);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void With_the_response_rate_off_a_client_that_stops_receiving_keeps_its_connection()
    {
        var sim = new Simulation(408);
        var server = SimulatedServer.Start(sim, LargeResponse, o => o.Limits.MinResponseDataRate = null);
        var client = server.Connect();

        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntil(() => client.Received.Length > 100_000);
        client.StopReceiving();
        sim.AdvanceBy(TimeSpan.FromSeconds(120));

        Assert.False(client.ServerClosed);
        Assert.Equal(1, server.Server.OpenConnections);
        server.Stop();
    }

    private static async Task EchoBody(HttpContext context) =>
        await context.Response.WriteAsync(await MockApps.ReadBodyAsync(context));

    /// <summary>A 1 MiB response in 16 KiB writes, each awaited: it waits for the socket once the budget is spent.</summary>
    private static async Task LargeResponse(HttpContext context)
    {
        context.Response.Headers["Content-Length"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chunk = new byte[16 * 1024];
        Array.Fill(chunk, (byte)'r');
        for (var i = 0; i < 64; i++)
        {
            await context.Response.WriteAsync(chunk);
        }
    }

    private static long Micros(TimeSpan span) => (long)span.TotalMicroseconds;
}
