using System.Text;
using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// MaxRequestBufferSize on the mock: a connection stops reading once its unread request bytes reach the limit
/// and starts again as soon as the app has read below it, and the body still arrives whole.
/// </summary>
public sealed class InputBackpressureSpecs
{
    private const int Limit = 8 * 1024;
    private const int BodyLength = 64 * 1024;

    [Fact]
    public void Reading_stops_at_the_request_buffer_limit_and_resumes_once_the_app_reads_below_it()
    {
        var sim = new Simulation(301);
        var body = Enumerable.Range(0, BodyLength).Select(i => (byte)((i * 31) + (i >> 8))).ToArray();
        var (notReading, atLimit, belowLimit) = (new SimGate(sim), new SimGate(sim), new SimGate(sim));
        var firstRead = 0;
        using var arrived = new MemoryStream();
        var server = SimulatedServer.Start(
            sim,
            async context =>
            {
                await notReading.WaitAsync();
                await ReadAsync(context.Request.Body, arrived, firstRead);
                await atLimit.WaitAsync();
                await ReadAsync(context.Request.Body, arrived, 1);
                await belowLimit.WaitAsync();
                await context.Request.Body.CopyToAsync(arrived);
                await MockApps.WriteTextAsync(context, "done");
            },
            o => o.Limits.MaxRequestBufferSize = Limit);
        var client = server.Connect();
        var head = Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: {BodyLength}\r\n\r\n");
        client.Send([.. head, .. body]);
        sim.RunUntilIdle();

        // Body bytes the server took off the socket that the app has not read yet.
        long Unconsumed() => BodyLength - client.Unread - arrived.Length;

        // The app has not read a byte: the server holds at least the limit, and at most one read more.
        Assert.True(notReading.Reached);
        Assert.False(client.ServerReading);
        Assert.True(client.ReadStops > 0);
        Assert.Contains(" uv.read_stop ", sim.Trace.ToString());
        var unconsumed = Unconsumed();
        Assert.InRange(unconsumed, Limit, Limit + 4096);
        var readStarts = ReadStarts(sim);

        // Reading down to exactly the limit is not below it: still stopped.
        firstRead = (int)(unconsumed - Limit);
        notReading.Open();
        Assert.True(atLimit.Reached);
        Assert.Equal(Limit, Unconsumed());
        Assert.False(client.ServerReading);
        Assert.Equal(readStarts, ReadStarts(sim));

        // One byte more and the connection reads again, until the limit stops it once more.
        atLimit.Open();
        Assert.Equal(readStarts + 1, ReadStarts(sim));
        Assert.InRange(Unconsumed(), Limit, Limit + 4096);
        Assert.False(client.ServerReading);

        belowLimit.Open();
        Assert.EndsWith("\r\n\r\ndone", client.ReceivedText);
        Assert.Equal(body, arrived.ToArray());
        Assert.Equal(0, client.Unread);
        Assert.True(client.ReadStops > 1, "the limit held the rest of the body back more than once");
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    private static async Task ReadAsync(Stream body, MemoryStream into, int count)
    {
        var buffer = new byte[count];
        await body.ReadExactlyAsync(buffer);
        into.Write(buffer);
    }

    private static int ReadStarts(Simulation sim) =>
        sim.Trace.ToString().Split('\n').Count(line => line.Contains(" uv.read_start ", StringComparison.Ordinal));
}
