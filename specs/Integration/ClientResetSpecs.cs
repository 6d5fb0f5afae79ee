using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>A client that resets the connection mid-response: the app hears of it, the server shrugs it off.</summary>
public sealed class ClientResetSpecs
{
    [Fact]
    public async Task A_reset_mid_response_aborts_the_request_quietly_and_the_server_keeps_serving()
    {
        var aborted = Bounded.NewSignal();
        var appDone = Bounded.NewSignal();
        await using var server = await LiveServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/ok")
            {
                await Respond.TextAsync(context, "ok");
                return;
            }

            // Disposed when the app returns: the token must fire while the app is still writing.
            using var registration = context.RequestAborted.Register(aborted.SetResult);
            try
            {
                var block = new byte[64 * 1024];
                for (var i = 0; i < 1600 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.WriteAsync(block, context.RequestAborted);
                }
            }
            finally
            {
                appDone.SetResult();
            }
        });

        using (var connection = await server.ConnectAsync())
        {
            await connection.SendAsync("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.True((await connection.ReadHeadAsync()).IsChunked);
            await connection.ReadExactlyAsync(200 * 1024);
            connection.Reset();
        }

        await aborted.Task.Within();
        await appDone.Task.Within();
        await server.WaitForNoConnectionsAsync();
        using var client = server.CreateHttpClient();
        Assert.Equal("ok", await client.GetStringAsync("/ok"));
        server.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_reset_while_the_app_reads_the_body_aborts_the_request_quietly()
    {
        var reading = Bounded.NewSignal();
        var failure = Bounded.NewSignal<Exception>();
        await using var server = await LiveServer.StartAsync(async context =>
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
                {
                    reading.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                failure.SetResult(ex);
                throw;
            }
        });

        using (var connection = await server.ConnectAsync())
        {
            await connection.SendAsync("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n\r\n");
            await connection.SendAsync(new byte[100 * 1024]);
            await reading.Task.Within();
            connection.Reset();
        }

        // The read fails with the abort, or with RequestAborted if the app's token was cancelled first.
        var error = await failure.Task.Within();
        Assert.True(error is IOException or OperationCanceledException, $"unexpected {error}");
        await server.WaitForNoConnectionsAsync();
        server.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_throwing_RequestAborted_callback_is_logged_as_an_app_error_and_the_server_keeps_serving()
    {
        var appDone = Bounded.NewSignal();
        await using var server = await LiveServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/ok")
            {
                await Respond.TextAsync(context, "ok");
                return;
            }

            using var registration = context.RequestAborted.Register(() => throw new InvalidOperationException("app bug in a callback"));
            try
            {
                var block = new byte[64 * 1024];
                for (var i = 0; i < 1600 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.WriteAsync(block);
                }
            }
            finally
            {
                appDone.SetResult();
            }
        });

        using (var connection = await server.ConnectAsync())
        {
            await connection.SendAsync("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n");
            await connection.ReadHeadAsync();
            await connection.ReadExactlyAsync(200 * 1024);
            connection.Reset();
        }

        await appDone.Task.Within();
        await server.WaitForNoConnectionsAsync();
        using var client = server.CreateHttpClient();
        Assert.Equal("ok", await client.GetStringAsync("/ok"));
        Assert.Contains(server.Log.Errors, e => e.Exception?.ToString().Contains("app bug in a callback") == true);
    }

    [Fact]
    public async Task A_reset_that_cuts_a_content_length_response_short_is_not_logged_as_an_error()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();

        using (var connection = await server.ConnectAsync())
        {
            await connection.SendAsync("GET /bytes/104857600 HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.Equal(104857600, (await connection.ReadHeadAsync()).ContentLength);
            await connection.ReadExactlyAsync(512 * 1024);
            connection.Reset();
        }

        await server.WaitForNoConnectionsAsync();
        server.Log.AssertNoErrors();
    }
}
