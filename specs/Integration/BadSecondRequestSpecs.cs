using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// A bad request that follows a good one on a kept-alive connection gets exactly the answer it would get as the
/// first request of a connection: its status, <c>Connection: close</c>, and a FIN; never a silent close. Over
/// real sockets, both after the first response has arrived and pipelined behind the first in one send.
/// </summary>
public sealed class BadSecondRequestSpecs
{
    private const string Good = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";

    private static readonly (string Name, int Status)[] Statuses =
    [
        ("missing Host", 400),
        ("two Hosts", 400),
        ("conflicting Content-Length", 400),
        ("space before the colon", 400),
        ("garbage line", 400),
        ("HTTP/2.0", 505),
        ("9 KiB target", 414),
        ("40 KiB header", 431),
        ("unknown transfer coding", 400),
    ];

    public static TheoryData<string, int, bool> Cases()
    {
        var cases = new TheoryData<string, int, bool>();
        foreach (var (name, status) in Statuses)
        {
            cases.Add(name, status, false);
            cases.Add(name, status, true);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_second_request_gets_its_status_and_connection_close_as_it_would_first(string name, int status, bool pipelined)
    {
        var calls = 0;
        await using var server = await LiveServer.StartAsync(context =>
        {
            Interlocked.Increment(ref calls);
            return Respond.TextAsync(context, "first");
        });
        using var connection = await server.ConnectAsync();

        if (pipelined)
        {
            await connection.SendAsync(Good + Bad(name));
        }
        else
        {
            await connection.SendAsync(Good);
        }

        var first = await connection.ReadResponseAsync();
        Assert.Equal(200, first.Status);
        Assert.Equal("first", first.BodyText);
        if (!pipelined)
        {
            await connection.SendAsync(Bad(name));
        }

        var second = await connection.ReadResponseAsync();
        Assert.Equal(status, second.Status);
        Assert.Equal("close", second.Header("Connection"));
        Assert.Equal(0, second.ContentLength);
        Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
        Assert.Equal(1, calls);
        server.Log.AssertNoErrors();
    }

    public static TheoryData<string, int> FirstCases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var (name, status) in Statuses)
        {
            cases.Add(name, status);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(FirstCases))]
    public async Task The_same_bad_request_first_on_a_connection_gets_the_same_status(string name, int status)
    {
        await using var server = await LiveServer.StartAsync(context => Respond.TextAsync(context, "should not run"));
        using var connection = await server.ConnectAsync();

        await connection.SendAsync(Bad(name));
        var response = await connection.ReadResponseAsync();

        Assert.Equal(status, response.Status);
        Assert.Equal("close", response.Header("Connection"));
    }

    private static string Bad(string name) => name switch
    {
        "missing Host" => "GET / HTTP/1.1\r\n\r\n",
        "two Hosts" => "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "conflicting Content-Length" => "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "space before the colon" => "GET / HTTP/1.1\r\nHost: a\r\nX-Name : v\r\n\r\n",
        "garbage line" => "GET / HTTP/1.1\r\nHost: a\r\ngarbage\r\n\r\n",
        "HTTP/2.0" => "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "9 KiB target" => $"GET /{new string('t', 9 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n",
        "40 KiB header" => $"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {new string('h', 40 * 1024)}\r\n\r\n",
        "unknown transfer coding" => "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
