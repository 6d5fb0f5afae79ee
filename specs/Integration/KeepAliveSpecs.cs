using System.Globalization;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>Persistent connections over real sockets (RFC 9112 §9.3).</summary>
public sealed class KeepAliveSpecs
{
    private const string Plaintext = "GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n";

    [Fact]
    public async Task Sequential_HttpClient_requests_reuse_one_connection()
    {
        await using var server = await LiveServer.StartAsync(
            context => Respond.TextAsync(context, context.ConnectionId.ToString(CultureInfo.InvariantCulture)));
        using var client = server.CreateHttpClient();

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await client.GetStringAsync("/"));
        }

        Assert.Single(ids.Distinct());
        Assert.Equal(1, server.Server.OpenConnections);
    }

    [Fact]
    public async Task Two_sequential_requests_on_one_socket_get_two_responses()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();

        await connection.SendAsync(Plaintext);
        var first = await connection.ReadResponseAsync();
        await connection.SendAsync(Plaintext);
        var second = await connection.ReadResponseAsync();

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(200, response.Status);
            Assert.Equal("Hello, World!", response.BodyText);
            Assert.False(response.HasHeader("Connection"));
        }

        Assert.True(await connection.NothingArrivesWithinAsync(TimeSpan.FromMilliseconds(100)), "the connection should stay open");
    }

    [Fact]
    public async Task Http10_without_keep_alive_is_closed_after_the_response()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("GET /plaintext HTTP/1.0\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal("HTTP/1.0", response.Version);
        Assert.Equal(200, response.Status);
        Assert.Equal("Hello, World!", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
    }

    [Fact]
    public async Task Http10_with_keep_alive_stays_open_and_says_so()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();

        for (var i = 0; i < 2; i++)
        {
            await connection.SendAsync("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            var response = await connection.ReadResponseAsync();

            Assert.Equal(200, response.Status);
            Assert.Equal("Hello, World!", response.BodyText);
            Assert.Equal("keep-alive", response.Header("Connection"));
        }

        Assert.True(await connection.NothingArrivesWithinAsync(TimeSpan.FromMilliseconds(100)), "the connection should stay open");
    }
}
