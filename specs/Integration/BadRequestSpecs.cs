using System.Text;
using Testbed.Engine.App;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// Rejected requests over real sockets: the right status, <c>Connection: close</c>, and an orderly close (FIN,
/// not a reset that could destroy the response), with the app never called.
/// </summary>
public sealed class BadRequestSpecs
{
    private const int MaxRequestBodySize = 1000;

    public static TheoryData<string, int> Rejected => new()
    {
        { "bad request line", 400 },
        { "request line over 8 KiB", 414 },
        { "header section over 32 KiB", 431 },
        { "more than 100 header fields", 431 },
        { "HTTP/2.0", 505 },
        { "Content-Length over MaxRequestBodySize", 413 },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task A_bad_request_gets_its_status_and_a_clean_close(string name, int status)
    {
        var appCalls = 0;
        RequestDelegate app = context =>
        {
            Interlocked.Increment(ref appCalls);
            return Respond.TextAsync(context, "should not run");
        };
        await using var server = await LiveServer.StartAsync(app, o => o.Limits.MaxRequestBodySize = MaxRequestBodySize);
        using var connection = await server.ConnectAsync();

        await connection.SendAsync(RequestFor(name));
        var response = await connection.ReadResponseAsync();

        Assert.Equal(status, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal(0, response.ContentLength);
        Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
        Assert.Equal(0, appCalls);
    }

    private static string RequestFor(string name) => name switch
    {
        "bad request line" => "GARBAGE\r\n\r\n",
        "request line over 8 KiB" => $"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: a\r\n\r\n",
        "header section over 32 KiB" => $"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {new string('b', 33 * 1024)}\r\n\r\n",
        "more than 100 header fields" => $"GET / HTTP/1.1\r\nHost: a\r\n{ManyFields(100)}\r\n",
        "HTTP/2.0" => "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "Content-Length over MaxRequestBodySize" =>
            $"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: {MaxRequestBodySize + 1}\r\n\r\n{new string('c', MaxRequestBodySize + 1)}",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Fields X-0 .. X-(n-1): with Host, one more than n.</summary>
    private static string ManyFields(int count)
    {
        var fields = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            fields.Append($"X-{i}: v\r\n");
        }

        return fields.ToString();
    }

    [Fact]
    public async Task A_malformed_chunk_after_the_echo_started_aborts_the_connection_and_logs_no_error()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();
        var chunk = new string('x', 70 * 1024);

        // /echo buffers 64 KiB of a chunked body before it answers, so this chunk starts the response.
        await connection.SendAsync($"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n{chunk.Length:x}\r\n{chunk}\r\n");
        var head = await connection.ReadHeadAsync();
        await connection.SendAsync("zz\r\n");
        await connection.ReadUntilClosedAsync();

        Assert.Equal(200, head.Status);
        Assert.True(head.IsChunked);
        await server.WaitForNoConnectionsAsync();
        server.Log.AssertNoErrors();
    }
}
