using System.Globalization;
using System.Text;
using Testbed.Engine.App;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>How responses are delimited on the wire (RFC 9112 §6.3), read byte for byte from a raw socket.</summary>
public sealed class ResponseFramingSpecs : IAsyncLifetime
{
    private readonly LiveServer _server;
    private readonly TaskCompletionSource<Exception> _tooMuch = Bounded.NewSignal<Exception>();

    public ResponseFramingSpecs() => _server = new LiveServer(HandleAsync);

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task HEAD_gets_the_headers_with_the_apps_Content_Length_but_no_body()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("HEAD /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        var head = await connection.ReadResponseAsync(bodyExpected: false);
        var get = await connection.ReadResponseAsync();

        Assert.Equal(200, head.Status);
        Assert.Equal(13, head.ContentLength);
        // Had the HEAD response carried a body, the next response would not start with a status line.
        Assert.Equal(200, get.Status);
        Assert.Equal("Hello, World!", get.BodyText);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task Bodiless_statuses_get_no_framing_headers_and_no_body(int status)
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync($"GET /status/{status} HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = await connection.ReadResponseAsync();
        var next = await connection.ReadResponseAsync();

        Assert.Equal(status, response.Status);
        Assert.False(response.HasHeader("Content-Length"));
        Assert.False(response.HasHeader("Transfer-Encoding"));
        Assert.Equal("Hello, World!", next.BodyText);
    }

    [Fact]
    public async Task An_HTTP11_response_of_unknown_length_is_chunked_one_chunk_per_write()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /unknown-length HTTP/1.1\r\nHost: a\r\n\r\n");
        var head = await connection.ReadHeadAsync();
        var body = await connection.ReadExactlyAsync("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n".Length);

        Assert.Equal("chunked", head.Header("Transfer-Encoding"));
        Assert.False(head.HasHeader("Content-Length"));
        Assert.False(head.HasHeader("Connection"));
        Assert.Equal("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", Encoding.ASCII.GetString(body));
        Assert.True(await connection.NothingArrivesWithinAsync(TimeSpan.FromMilliseconds(100)), "kept alive after the last chunk");
    }

    [Fact]
    public async Task An_HTTP10_response_of_unknown_length_is_delimited_by_the_close()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /unknown-length HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var head = await connection.ReadHeadAsync();
        var (body, end) = await connection.ReadUntilClosedAsync();

        Assert.Equal("HTTP/1.0", head.Version);
        Assert.Equal("close", head.Header("Connection"));
        Assert.False(head.HasHeader("Transfer-Encoding"));
        Assert.False(head.HasHeader("Content-Length"));
        Assert.Equal("abcdefg", Encoding.ASCII.GetString(body));
        Assert.Equal(ConnectionEnd.Fin, end);
    }

    [Fact]
    public async Task An_app_that_writes_nothing_gets_Content_Length_0()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal(0, response.ContentLength);
        Assert.False(response.HasHeader("Transfer-Encoding"));
    }

    [Fact]
    public async Task Every_response_carries_Date_and_Server()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal("Testbed", response.Header("Server"));
        var date = DateTimeOffset.ParseExact(response.Header("Date")!, "r", CultureInfo.InvariantCulture);
        Assert.InRange(date, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task An_exception_before_the_response_starts_gives_500_and_the_connection_stays_usable()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /throw-before HTTP/1.1\r\nHost: a\r\n\r\n");
        var failed = await connection.ReadResponseAsync();
        await connection.SendAsync("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n");
        var next = await connection.ReadResponseAsync();

        Assert.Equal(500, failed.Status);
        Assert.Equal(0, failed.ContentLength);
        Assert.False(failed.HasHeader("Connection"));
        Assert.False(failed.HasHeader("X-Lost"));
        Assert.Equal("Hello, World!", next.BodyText);
        Assert.Contains(_server.Log.Errors, e => e.Exception?.Message == "thrown before the response");
    }

    [Fact]
    public async Task An_exception_after_the_response_started_cuts_the_chunked_body_short()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /throw-after HTTP/1.1\r\nHost: a\r\n\r\n");
        var head = await connection.ReadHeadAsync();
        var (body, _) = await connection.ReadUntilClosedAsync();

        Assert.Equal(200, head.Status);
        Assert.True(head.IsChunked);
        // The first chunk and no last-chunk: the client can tell the body is incomplete.
        Assert.Equal("7\r\npartial\r\n", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public async Task Writing_past_the_Content_Length_throws_in_the_app()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /too-much HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = await connection.ReadResponseAsync();
        var error = await _tooMuch.Task.Within();

        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("Content-Length", error.Message, StringComparison.Ordinal);
        // The refused write sent nothing: the app could still finish the declared body.
        Assert.Equal("hello", response.BodyText);
    }

    [Fact]
    public async Task Writing_less_than_the_Content_Length_aborts_the_connection()
    {
        using var connection = await _server.ConnectAsync();

        await connection.SendAsync("GET /too-little HTTP/1.1\r\nHost: a\r\n\r\n");
        var head = await connection.ReadHeadAsync();
        var (body, _) = await connection.ReadUntilClosedAsync();

        Assert.Equal(10, head.ContentLength);
        Assert.True(body.Length < 10, $"got {body.Length} body bytes of the declared 10");
        await _server.WaitForNoConnectionsAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        var path = context.Request.Path;
        switch (path)
        {
            case "/hello":
                await Respond.TextAsync(context, "Hello, World!");
                break;
            case "/unknown-length":
                await response.WriteAsync("abc"u8.ToArray());
                await response.FlushAsync();
                await response.WriteAsync("defg"u8.ToArray());
                break;
            case "/nothing":
                break;
            case "/throw-before":
                response.Headers["X-Lost"] = "headers set before the exception are dropped";
                throw new InvalidOperationException("thrown before the response");
            case "/throw-after":
                await response.WriteAsync("partial"u8.ToArray());
                await response.FlushAsync();
                throw new InvalidOperationException("thrown after the response started");
            case "/too-much":
                response.Headers["Content-Length"] = "5";
                try
                {
                    await response.WriteAsync("hello!"u8.ToArray());
                }
                catch (Exception ex)
                {
                    _tooMuch.SetResult(ex);
                }

                await response.WriteAsync("hello"u8.ToArray());
                break;
            case "/too-little":
                response.Headers["Content-Length"] = "10";
                await response.WriteAsync("hello"u8.ToArray());
                break;
            default:
                response.StatusCode = int.Parse(path["/status/".Length..], CultureInfo.InvariantCulture);
                break;
        }
    }
}
