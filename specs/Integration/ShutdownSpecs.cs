using System.Net.Sockets;
using Testbed.Engine.App;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>Graceful stop: in-flight requests finish, idle connections close, new ones are refused, and stragglers are aborted after ShutdownTimeout.</summary>
public sealed class ShutdownSpecs
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task An_in_flight_request_completes_while_new_connections_are_refused()
    {
        var shutdownTimeout = TimeSpan.FromSeconds(5);
        var entered = Bounded.NewSignal();
        var release = Bounded.NewSignal();
        await using var server = await LiveServer.StartAsync(
            async context =>
            {
                entered.SetResult();
                await release.Task;
                await Respond.TextAsync(context, "finished after the stop began");
            },
            o => o.ShutdownTimeout = shutdownTimeout);
        using var connection = await server.ConnectAsync();
        await connection.SendAsync("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        await entered.Task.Within();

        var stop = server.StopAsync();
        await Bounded.UntilAsync(() => IsRefused(server), "new connections to be refused", TimeSpan.FromSeconds(5));
        Assert.True(IsRefused(server), "still refused");
        Assert.False(stop.IsCompleted, "the stop waits for the in-flight request");
        release.SetResult();
        var response = await connection.ReadResponseAsync();
        Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
        connection.Dispose(); // Our close ends the server's linger, so the stop need not wait it out.
        var took = await stop;

        Assert.Equal(200, response.Status);
        Assert.Equal("finished after the stop began", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(took < shutdownTimeout, $"the stop took {took} although the request finished");
        server.Log.AssertNoErrors();
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_by_the_stop()
    {
        await using var server = await LiveServer.StartAsync(context => Respond.TextAsync(context, "hi"));
        using var connection = await server.ConnectAsync();
        await connection.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("hi", (await connection.ReadResponseAsync()).BodyText);

        var stop = server.StopAsync();
        var end = await connection.ReadEndAsync();
        connection.Dispose(); // Our close ends the server's linger, so the stop need not wait it out.
        var took = await stop;

        Assert.Equal(ConnectionEnd.Fin, end);
        Assert.True(took < TimeSpan.FromSeconds(3), $"the stop took {took} with only an idle connection");
    }

    [Fact]
    public async Task A_request_that_never_finishes_is_aborted_after_the_shutdown_timeout()
    {
        var shutdownTimeout = TimeSpan.FromMilliseconds(500);
        var entered = Bounded.NewSignal();
        var aborted = Bounded.NewSignal();
        RequestDelegate hang = async context =>
        {
            using var registration = context.RequestAborted.Register(aborted.SetResult);
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };
        await using var server = await LiveServer.StartAsync(hang, o => o.ShutdownTimeout = shutdownTimeout);
        using var connection = await server.ConnectAsync();
        await connection.SendAsync("GET /hang HTTP/1.1\r\nHost: a\r\n\r\n");
        await entered.Task.Within();

        var took = await server.StopAsync();

        Assert.True(took >= shutdownTimeout - TimeSpan.FromMilliseconds(50), $"aborted after {took}, before the shutdown timeout");
        Assert.True(took < shutdownTimeout + Slack, $"the stop took {took}");
        await aborted.Task.Within();
        await connection.ReadEndAsync();
        server.Log.AssertNoErrors();
    }

    private static bool IsRefused(LiveServer server)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(server.EndPoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }
}
