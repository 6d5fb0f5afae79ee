using System.Text;
using Testbed.Simulator.Clients;
using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>Pipelined requests reach the server one byte per read and are still answered in order.</summary>
public sealed class PipeliningSpecs
{
    [Fact]
    public void Pipelined_requests_fragmented_at_every_byte_are_answered_in_order()
    {
        var sim = new Simulation(461);
        var server = SimulatedServer.Start(sim, async context =>
        {
            var body = Encoding.ASCII.GetString(await MockApps.ReadBodyAsync(context));
            await MockApps.WriteTextAsync(context, $"{context.Request.Method} {context.Request.Path} [{body}]");
        });
        var client = server.Connect();
        var requests =
            "GET /one HTTP/1.1\r\nHost: a\r\n\r\n" +
            "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" +
            "POST /three HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n" +
            "GET /four HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
        client.Send(requests, Fragmentation.EveryByte);
        sim.RunUntil(() => client.ServerFinished);

        Assert.Equal(requests.Length, sim.Trace.ToString().Split('\n').Count(l => l.Contains(" cb.read ", StringComparison.Ordinal) && l.EndsWith(" n=1", StringComparison.Ordinal)));
        var responses = ReadAll(client.Received);
        Assert.Equal(["GET /one []", "POST /two [hello]", "POST /three [abcde]", "GET /four []"], responses.Select(r => Encoding.ASCII.GetString(r.Body)));
        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal("close", responses[^1].Header("Connection"));
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    private static List<ParsedResponse> ReadAll(byte[] received)
    {
        List<ParsedResponse> responses = [];
        var offset = 0;
        while (ResponseReader.TryRead(received.AsSpan(offset), headRequest: false, out var response, out var consumed))
        {
            responses.Add(response!);
            offset += consumed;
        }

        Assert.Equal(received.Length, offset);
        return responses;
    }
}
