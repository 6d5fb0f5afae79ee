using System.Text;
using Testbed.Engine.App;
using Testbed.Engine.Networking;
using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// Graceful stop on the virtual clock: idle connections get FIN, in-flight requests may finish, and what is
/// still open after ShutdownTimeout is aborted. Every case ends with no handle open and every loop closed.
/// </summary>
public sealed class ShutdownSpecs
{
    private const string AbortLine = "Aborting 1 connections still open after 00:00:03";
    private static readonly long ShutdownTimeoutMicros = (long)new Testbed.Engine.Hosting.TestbedServerOptions().ShutdownTimeout.TotalMicroseconds;

    [Fact]
    public void An_idle_keep_alive_connection_gets_fin_and_a_silent_client_is_closed_after_the_linger()
    {
        var sim = new Simulation(101);
        var server = SimulatedServer.Start(sim, MockApps.Text("hi"));
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nhi", client.TakeReceivedText());
        var stopAt = sim.NowMicros;

        server.Stop();

        Assert.True(client.ServerFinished, "FIN");
        Assert.False(client.ServerReset);
        Assert.Equal("", client.ReceivedText);
        // The client never answers the FIN, so the socket closes on the 2 s linger, seen by the 1 s heartbeat.
        Assert.InRange(sim.NowMicros - stopAt, 2_000_000, 3_000_000);
        Assert.DoesNotContain(AbortLine, sim.Trace.ToString());
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void An_idle_keep_alive_client_that_answers_the_fin_lets_the_stop_end_at_once()
    {
        var sim = new Simulation(102);
        var server = SimulatedServer.Start(sim, MockApps.Text("hi"));
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        client.TakeReceivedText();
        var stopAt = sim.NowMicros;

        var stop = server.BeginStop();
        sim.RunUntil(() => client.ServerFinished);
        client.HalfClose();
        server.FinishStop(stop);

        Assert.False(client.ServerReset);
        Assert.Equal("", client.ReceivedText);
        Assert.InRange(sim.NowMicros - stopAt, 0, 10_000);
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_request_whose_body_finishes_during_the_stop_is_answered_with_connection_close()
    {
        var sim = new Simulation(103);
        var server = SimulatedServer.Start(sim, async context =>
            await MockApps.WriteTextAsync(context, $"got {(await MockApps.ReadBodyAsync(context)).Length}"));
        var client = server.Connect();
        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + new string('x', 300));
        sim.RunUntilIdle();
        var stopAt = sim.NowMicros;

        var stop = server.BeginStop();
        sim.RunUntilIdle();
        Assert.False(stop.IsCompleted, "the stop waits for the request in flight");
        Assert.Empty(client.Received);
        client.Send(new string('x', 700));
        sim.RunUntil(() => client.ServerFinished);
        client.HalfClose();
        server.FinishStop(stop);

        var text = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        Assert.Contains("\r\nConnection: close\r\n", text);
        Assert.EndsWith("\r\n\r\ngot 1000", text);
        Assert.False(client.ServerReset);
        Assert.InRange(sim.NowMicros - stopAt, 0, 10_000);
        Assert.DoesNotContain(AbortLine, sim.Trace.ToString());
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_request_whose_body_never_finishes_is_aborted_at_the_shutdown_timeout_by_virtual_time()
    {
        var sim = new Simulation(104);
        Exception? appSaw = null;
        var server = SimulatedServer.Start(sim, async context =>
        {
            try
            {
                await MockApps.ReadBodyAsync(context);
            }
            catch (Exception ex)
            {
                appSaw = ex;
                throw;
            }
        });
        var client = server.Connect();
        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + new string('x', 300));
        sim.RunUntilIdle();
        var stopAt = sim.NowMicros;
        var wallClock = System.Diagnostics.Stopwatch.StartNew();

        server.Stop();

        Assert.InRange(sim.NowMicros - stopAt, ShutdownTimeoutMicros, ShutdownTimeoutMicros + 10_000);
        // Three virtual seconds in less real time than that: the timeout is a simulation event, not a sleep.
        Assert.True(wallClock.Elapsed.TotalMicroseconds < ShutdownTimeoutMicros, $"the stop took {wallClock.Elapsed} of real time");
        Assert.Contains(AbortLine, sim.Trace.ToString());
        Assert.IsAssignableFrom<IOException>(appSaw);
        Assert.Empty(client.Received);
        Assert.True(client.ServerClosed);
        Assert.True(client.ServerFinished, "nothing unread, so the close is a FIN");
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_response_stuck_behind_held_writes_is_aborted_at_the_shutdown_timeout_and_its_writes_cancelled()
    {
        var sim = new Simulation(105);
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 16 * 1024).Select(i => (char)('a' + (i % 26)))));
        RequestDelegate app = async context =>
        {
            context.Response.Headers["Content-Length"] = (body.Length * 16).ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < 16; i++)
            {
                await context.Response.WriteAsync(body);
            }
        };
        var server = SimulatedServer.Start(sim, app);
        var client = server.Connect(holdWrites: true);
        client.Send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        for (var i = 0; i < 2; i++)
        {
            client.WritesInFlight[0].Complete();
            sim.RunUntilIdle();
        }

        Assert.NotEmpty(client.WritesInFlight);
        var delivered = client.Received;
        var stopAt = sim.NowMicros;

        server.Stop();

        Assert.InRange(sim.NowMicros - stopAt, ShutdownTimeoutMicros, ShutdownTimeoutMicros + 10_000);
        Assert.Contains(AbortLine, sim.Trace.ToString());
        Assert.Empty(client.WritesInFlight);
        Assert.Contains(client.Writes, w => w.Status == UvStatus.ECANCELED);
        // The client holds exactly what the completed writes carried: a head and a body cut short.
        Assert.Equal(client.Writes.Where(w => w.Status == 0).SelectMany(w => w.Bytes), client.Received);
        Assert.Equal(delivered, client.Received);
        var text = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        Assert.InRange(text.Length - text.IndexOf("\r\n\r\n", StringComparison.Ordinal) - 4, 1, (body.Length * 16) - 1);
        Assert.True(client.ServerClosed);
        Assert.True(client.ServerFinished, "the request was read, so the close is a FIN after what was delivered");
        Assert.Empty(server.Log.Problems);
    }
}
