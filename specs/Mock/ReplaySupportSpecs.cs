using System.Text;
using System.Text.RegularExpressions;
using Testbed.Engine.App;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>
/// What a replay of a recording needs from the mock: a clock that starts where the recording did, a client put on
/// a chosen loop, bytes that arrive at exact times with nothing drawn, and writes completed at chosen times.
/// </summary>
public sealed partial class ReplaySupportSpecs
{
    private static readonly RequestDelegate Hello = context => context.Response.WriteAsync(Encoding.ASCII.GetBytes("Hello"));

    [Fact]
    public void The_clock_starts_at_the_epoch_set_in_the_options()
    {
        var start = new DateTimeOffset(2025, 6, 30, 23, 59, 59, TimeSpan.Zero);
        var sim = new Simulation(1, new SimulationOptions { Epoch = start });
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        sim.RunUntilIdle();

        Assert.Contains("Date: Mon, 30 Jun 2025 23:59:59 GMT\r\n", client.ReceivedText);
        Assert.Equal(VirtualTimeProvider.Epoch, new SimulationOptions().Epoch);
        server.Stop();
    }

    [Fact]
    public void A_client_connected_to_a_chosen_loop_lands_there_and_draws_nothing_from_the_network()
    {
        var sim = new Simulation(1);
        var server = SimulatedServer.Start(sim, Hello, o => o.ThreadCount = 3);
        sim.AdvanceBy(TimeSpan.FromMilliseconds(1));
        var connectedAt = sim.NowMicros;

        var client = sim.Network.ConnectTo(SimulatedServer.Port, listener: 1, holdWrites: false);
        sim.RunUntil(() => client.Accepted);
        Assert.Equal(connectedAt, sim.NowMicros);
        sim.Enqueue(250, EventKind.Io, _ => client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), null);
        sim.RunUntilIdle();

        var trace = sim.Trace.ToString();
        var listeners = ListenLine().Matches(trace).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, listeners.Count);
        Assert.Contains($"net.connect k1 -> {listeners[1]}\n", trace);
        Assert.DoesNotContain("accept.listener", trace);
        Assert.DoesNotContain("net.latency", trace);
        Assert.Contains($"net.send k1 bytes=27 at={connectedAt + 250}\n", trace);
        Assert.Contains("Hello", client.ReceivedText);
        server.Stop();
    }

    [Fact]
    public void A_held_write_completes_at_the_time_and_with_the_status_it_is_given()
    {
        var sim = new Simulation(1);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect(holdWrites: true);
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        sim.RunUntil(() => client.WritesInFlight.Count == 1);
        var write = client.WritesInFlight[0];
        var due = sim.NowMicros + 5_000;

        write.CompleteAt(due);
        sim.RunUntil(() => write.Status is not null);

        Assert.Equal(due, sim.NowMicros);
        Assert.Equal(0, write.Status);
        Assert.Contains("Hello", client.ReceivedText);
        server.Stop();
    }

    [Fact]
    public void A_write_cancelled_by_the_close_before_its_time_is_left_alone()
    {
        var sim = new Simulation(1);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect(holdWrites: true);
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        sim.RunUntil(() => client.WritesInFlight.Count == 1);
        var write = client.WritesInFlight[0];
        write.CompleteAt(sim.NowMicros + 60_000_000, Testbed.Engine.Networking.UvStatus.ECONNRESET);
        client.Reset();

        sim.RunUntil(() => client.ServerClosed);
        sim.AdvanceBy(TimeSpan.FromSeconds(61));

        Assert.Equal(Testbed.Engine.Networking.UvStatus.ECANCELED, write.Status);
        server.Stop();
    }

    [GeneratedRegex(@"uv\.listen (h\d+) ")]
    private static partial Regex ListenLine();
}
