using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// Out of descriptors and over MaxConcurrentConnections, on the mock: the listener pauses (closing its socket ends
/// libuv's loop of failed accepts), says so once, keeps serving the connections it has, and accepts again at the
/// first heartbeat after descriptors free up; a connection over the limit is closed unanswered.
/// </summary>
public sealed class AcceptLimitSpecs
{
    [Fact]
    public void Out_of_descriptors_the_listener_pauses_once_serves_what_it_has_and_accepts_again_when_they_free_up()
    {
        // The listen socket and one connection: the second connection finds the process out of sockets.
        var sim = new Simulation(501, new SimulationOptions { SocketLimit = 2 });
        var server = SimulatedServer.Start(sim, MockApps.Text("served"));
        var first = server.Connect();
        sim.RunUntilIdle();
        var second = server.Connect();
        sim.RunUntilIdle();

        Assert.True(second.Refused, "a connection was left waiting while the listener could not accept");
        Assert.Equal(["Warning: Accepting paused on testbed-loop-0: EMFILE (out of file descriptors); the listen socket reopens once descriptors free up"], server.Log.Problems);
        first.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nserved", first.TakeReceivedText(), StringComparison.Ordinal);

        // Still full: the socket reopens at each heartbeat and closes again at the next failed accept, silently.
        sim.AdvanceBy(TimeSpan.FromSeconds(3));
        var turnedAway = server.Connect();
        sim.RunUntilIdle();
        Assert.True(turnedAway.Refused);
        Assert.Single(server.Log.Problems);

        first.HalfClose();
        sim.RunUntil(() => first.ServerClosed);
        sim.AdvanceBy(TimeSpan.FromSeconds(1));

        var third = server.Connect();
        third.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nserved", third.TakeReceivedText(), StringComparison.Ordinal);
        Assert.Contains("log Information Accepting again on testbed-loop-0 after", sim.Trace.ToString(), StringComparison.Ordinal);
        third.HalfClose();
        server.Stop();
        Assert.Single(server.Log.Problems);
    }

    [Fact]
    public void A_connection_over_MaxConcurrentConnections_is_closed_unanswered_and_the_others_are_served()
    {
        var sim = new Simulation(502);
        var server = SimulatedServer.Start(sim, MockApps.Text("served"), o => o.Limits.MaxConcurrentConnections = 1);
        var first = server.Connect();
        sim.RunUntilIdle();
        var second = server.Connect();
        second.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();

        Assert.True(second.ServerClosed);
        Assert.Empty(second.Received);
        Assert.Contains("srv.refused", sim.Trace.ToString(), StringComparison.Ordinal);
        Assert.Contains("Connection refused on testbed-loop-0: 1 connections open, MaxConcurrentConnections is 1", sim.Trace.ToString(), StringComparison.Ordinal);

        first.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nserved", first.TakeReceivedText(), StringComparison.Ordinal);
        first.HalfClose();
        sim.RunUntil(() => first.ServerClosed);

        var third = server.Connect();
        third.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nserved", third.TakeReceivedText(), StringComparison.Ordinal);
        third.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }
}
