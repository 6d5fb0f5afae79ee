using System.Text;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>Pipelined requests (RFC 9112 §9.3.2): all sent at once, answered in order.</summary>
public sealed class PipeliningSpecs
{
    private const int Count = 16;

    [Fact]
    public async Task Sixteen_requests_in_one_send_get_sixteen_responses_in_order()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();
        var requests = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            requests.Append(Request(i));
        }

        await connection.SendAsync(requests.ToString());

        for (var i = 0; i < Count; i++)
        {
            var response = await connection.ReadResponseAsync();
            Assert.Equal(200, response.Status);
            Assert.Equal(ExpectedBody(i), response.BodyText);
            Assert.Equal(ExpectedBody(i).Length, response.ContentLength);
        }

        Assert.True(await connection.NothingArrivesWithinAsync(TimeSpan.FromMilliseconds(100)), "no bytes beyond the 16 responses");
    }

    /// <summary>Every third request is a POST with a body, so the parser must find each next head after a body.</summary>
    private static string Request(int i) => i % 3 == 0
        ? $"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: {ExpectedBody(i).Length}\r\n\r\n{ExpectedBody(i)}"
        : $"GET /bytes/{i} HTTP/1.1\r\nHost: a\r\n\r\n";

    private static string ExpectedBody(int i) => i % 3 == 0 ? $"request {i}" : new string('x', i);
}
