using System.Diagnostics;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// A client that stops reading must not make the server buffer the response: SocketOutput holds the app
/// at MaxResponseBufferSize (64 KiB) beyond what the socket took.
/// </summary>
public sealed class BackpressureSpecs
{
    private const long HundredMegabytes = 100L * 1024 * 1024;
    private const long MemoryBound = 16L * 1024 * 1024;

    [Fact]
    public async Task A_client_that_reads_nothing_of_100_MB_keeps_server_memory_bounded()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        var memory = server.Server.Memory;
        using (var connection = await server.ConnectAsync(receiveBufferSize: 4096))
        {
            await connection.SendAsync($"GET /bytes/{HundredMegabytes} HTTP/1.1\r\nHost: a\r\n\r\n");
            long peak = 0;
            for (var stalled = Stopwatch.StartNew(); stalled.Elapsed < TimeSpan.FromSeconds(2);)
            {
                peak = Math.Max(peak, memory.AllocatedBytes);
                await Task.Delay(50);
            }

            peak = Math.Max(peak, memory.AllocatedBytes);
            Assert.True(peak < MemoryBound, $"the slab pool grew to {peak} bytes with a stalled reader");

            // The response did start: the app is blocked by backpressure, not idle.
            var head = await connection.ReadHeadAsync();
            Assert.Equal(200, head.Status);
            Assert.Equal(HundredMegabytes, head.ContentLength);
        }

        await server.WaitForNoConnectionsAsync();
        using var client = server.CreateHttpClient();
        Assert.Equal("Hello, World!", await client.GetStringAsync("/plaintext"));
    }

    [Fact]
    public async Task Every_pool_block_is_returned_once_the_connections_close()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        for (var i = 0; i < 40; i++)
        {
            using var connection = await server.ConnectAsync();
            await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
            Assert.Equal("hello", (await connection.ReadResponseAsync()).BodyText);
            Assert.Equal(ConnectionEnd.Fin, await connection.ReadEndAsync());
        }

        await server.WaitForNoConnectionsAsync();

        await Bounded.UntilAsync(() => server.Server.Memory.RentedBlocks == 0, $"the pool's rented blocks ({server.Server.Memory.RentedBlocks}) to return to 0");
    }
}
