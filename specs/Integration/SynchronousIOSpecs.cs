using System.Text;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>With AllowSynchronousIO on, the blocking body methods work on the native server (they block a pool thread).</summary>
public sealed class SynchronousIOSpecs
{
    [Fact]
    public async Task Allowed_synchronous_read_and_write_round_trip_a_body()
    {
        await using var server = await LiveServer.StartAsync(
            context =>
            {
                var body = new byte[5];
                var read = 0;
                while (read < body.Length)
                {
                    read += context.Request.Body.Read(body, read, body.Length - read);
                }

                context.Response.Headers["Content-Length"] = "5";
                context.Response.Body.Write(body, 0, body.Length);
                context.Response.Body.Flush();
                return Task.CompletedTask;
            },
            o => o.AllowSynchronousIO = true);
        using var client = server.CreateHttpClient();

        using var response = await client.PostAsync("/", new StringContent("hello", Encoding.ASCII));

        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Empty(server.Log.Errors);
    }
}
