using Testbed.Engine.Infrastructure;
using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// Keep-alive and request-headers timeouts on the virtual clock: the loop's 1 s heartbeat enforces each deadline,
/// so a connection is untouched just before it and dealt with by the first heartbeat after it.
/// </summary>
public sealed class TimeoutSpecs
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void An_idle_kept_alive_connection_gets_fin_at_the_first_heartbeat_after_the_keep_alive_timeout()
    {
        var sim = new Simulation(201);
        ServerLimits limits = null!;
        var server = SimulatedServer.Start(sim, MockApps.Text("hi"), o => limits = o.Limits);
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nhi", client.TakeReceivedText());
        // The response is out, so the connection went idle no later than now.
        var deadline = sim.NowMicros + Micros(limits.KeepAliveTimeout);

        AdvanceTo(sim, deadline - Micros(Margin));
        Assert.False(client.ServerFinished, "closed before the keep-alive timeout");
        Assert.Equal(1, server.Server.OpenConnections);

        sim.RunUntil(() => client.ServerFinished, within: Heartbeat + Margin + Margin);
        Assert.InRange(sim.NowMicros, deadline - Micros(Margin), deadline + Micros(Heartbeat) + Micros(Margin));
        Assert.Equal("", client.ReceivedText);
        Assert.False(client.ServerReset);

        client.HalfClose();
        sim.RunUntil(() => client.ServerClosed);
        Assert.Equal(0, server.Server.OpenConnections);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_head_that_stops_arriving_gets_408_with_connection_close_and_then_fin()
    {
        var sim = new Simulation(202);
        ServerLimits limits = null!;
        var appRan = false;
        var server = SimulatedServer.Start(
            sim,
            context =>
            {
                appRan = true;
                return MockApps.WriteTextAsync(context, "should not run");
            },
            o => limits = o.Limits);
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n");
        sim.RunUntilIdle();
        // The first bytes of the head have been read, which started the request-headers clock no later than now.
        var deadline = sim.NowMicros + Micros(limits.RequestHeadersTimeout);

        AdvanceTo(sim, deadline - Micros(Margin));
        Assert.Empty(client.Received);
        Assert.False(client.ServerFinished, "closed before the request-headers timeout");

        sim.RunUntil(() => client.ServerFinished, within: Heartbeat + Margin + Margin);
        Assert.InRange(sim.NowMicros, deadline - Micros(Margin), deadline + Micros(Heartbeat) + Micros(Margin));
        var text = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", text);
        Assert.Contains("\r\nContent-Length: 0\r\n", text);
        Assert.EndsWith("\r\nConnection: close\r\n\r\n", text);
        Assert.False(client.ServerReset);
        Assert.False(appRan);

        client.HalfClose();
        sim.RunUntil(() => client.ServerClosed);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    private static long Micros(TimeSpan span) => (long)span.TotalMicroseconds;

    private static void AdvanceTo(Simulation sim, long micros) => sim.AdvanceBy(TimeSpan.FromMicroseconds(micros - sim.NowMicros));
}
