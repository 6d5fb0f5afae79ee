using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>Exact response bytes on the mock, where the virtual clock makes even the Date header fixed.</summary>
public sealed class ResponseFramingSpecs
{
    [Fact]
    public void Two_writes_without_content_length_are_two_chunks_and_a_last_chunk_byte_for_byte()
    {
        var sim = new Simulation(451);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await context.Response.WriteAsync("hello"u8.ToArray());
            await context.Response.WriteAsync("world, again"u8.ToArray());
        });
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();

        Assert.Equal(
            "HTTP/1.1 200 OK\r\n" +
            "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n" +
            "Server: Testbed\r\n" +
            "Transfer-Encoding: chunked\r\n" +
            "\r\n" +
            "5\r\nhello\r\n" +
            "c\r\nworld, again\r\n" +
            "0\r\n\r\n",
            client.ReceivedText);
        Assert.False(client.ServerFinished, "the chunked response keeps the connection");
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }
}
