using System.Text;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary><c>Expect: 100-continue</c> over a real socket (RFC 9110 §10.1.1): the interim response is sent only when the app asks for the body.</summary>
public sealed class ContinueSpecs
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Continue_is_sent_when_the_app_reads_the_body_and_not_before()
    {
        var entered = Bounded.NewSignal();
        var read = Bounded.NewSignal();
        await using var server = await LiveServer.StartAsync(async context =>
        {
            entered.SetResult();
            await read.Task;
            var body = await Respond.ReadBodyAsync(context);
            await Respond.TextAsync(context, "got " + Encoding.ASCII.GetString(body));
        });
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        await entered.Task.Within();
        Assert.True(await connection.NothingArrivesWithinAsync(Quiet), "no 100 Continue before the app reads");
        read.SetResult();

        Assert.Equal("HTTP/1.1 100 Continue", await connection.ReadLineAsync());
        Assert.Equal("", await connection.ReadLineAsync());
        await connection.SendAsync("hello");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal("got hello", response.BodyText);
        Assert.False(response.HasHeader("Connection"));
    }

    [Fact]
    public async Task An_app_that_answers_without_reading_gets_no_continue_and_the_connection_closes()
    {
        await using var server = await LiveServer.StartAsync(context => Respond.TextAsync(context, "not reading that", 403));
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(403, response.Status);
        Assert.Equal("not reading that", response.BodyText);
        // The client never sent the body, so the server cannot find the next request: it closes.
        Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
    }

    [Fact]
    public async Task An_app_that_finishes_without_reading_or_writing_says_the_connection_closes()
    {
        await using var server = await LiveServer.StartAsync(context =>
        {
            context.Response.StatusCode = 417;
            return Task.CompletedTask;
        });
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(417, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
    }

    [Fact]
    public async Task Http10_expect_gets_no_continue()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("POST /echo HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.True(await connection.NothingArrivesWithinAsync(Quiet), "no 100 Continue for HTTP/1.0");
        await connection.SendAsync("hello");
        var response = await connection.ReadResponseAsync();

        Assert.Equal("HTTP/1.0", response.Version);
        Assert.Equal(200, response.Status);
        Assert.Equal("hello", response.BodyText);
    }
}
