using System.Text;
using Testbed.Engine.App;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// Blocking body I/O is off by default: under the mock a blocked call would hold the only thread there is,
/// so the run would hang instead of failing. With it off the app gets an exception at once.
/// </summary>
public sealed class SynchronousIOSpecs
{
    private const string Post = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";

    [Fact]
    public void Synchronous_body_read_throws_and_the_client_gets_500()
    {
        Exception? thrown = null;
        var (client, server) = Serve(context =>
        {
            thrown = Record.Exception(() => context.Request.Body.Read(new byte[5], 0, 5));
            throw thrown!;
        });

        var error = Assert.IsType<InvalidOperationException>(thrown);
        Assert.Contains("Call ReadAsync or set AllowSynchronousIO to true", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 500 ", client, StringComparison.Ordinal);
        Assert.Contains(server.Log.Problems, p => p.Contains("InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public void Synchronous_body_write_and_flush_throw_before_anything_is_sent()
    {
        Exception? write = null;
        Exception? flush = null;
        var (client, _) = Serve(context =>
        {
            write = Record.Exception(() => context.Response.Body.Write("hi"u8.ToArray(), 0, 2));
            flush = Record.Exception(() => context.Response.Body.Flush());
            return context.Response.WriteAsync("async is fine"u8.ToArray());
        });

        Assert.Contains("Call WriteAsync", Assert.IsType<InvalidOperationException>(write).Message, StringComparison.Ordinal);
        Assert.Contains("Call FlushAsync", Assert.IsType<InvalidOperationException>(flush).Message, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 OK", client, StringComparison.Ordinal);
        Assert.EndsWith("async is fine\r\n0\r\n\r\n", client, StringComparison.Ordinal);
    }

    private static (string Received, SimulatedServer Server) Serve(RequestDelegate app)
    {
        var sim = new Simulation(3);
        var server = SimulatedServer.Start(sim, app);
        var client = server.Connect();
        client.Send(Post);
        sim.RunUntilIdle();
        return (Encoding.Latin1.GetString(client.Received), server);
    }
}
