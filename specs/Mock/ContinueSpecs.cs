using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// <c>Expect: 100-continue</c> on the mock (RFC 9110 §10.1.1): the interim response goes out only to an
/// HTTP/1.1 client that asked for it, and only once the app reads a body that has not arrived yet.
/// </summary>
public sealed class ContinueSpecs
{
    private const string Continue = "HTTP/1.1 100 Continue\r\n\r\n";

    [Theory]
    [InlineData("HTTP/1.1", "Expect: 100-continue\r\n", Continue)]
    [InlineData("HTTP/1.0", "Expect: 100-continue\r\n", "")]
    [InlineData("HTTP/1.1", "", "")]
    public void Continue_goes_out_only_for_http11_with_expect_and_only_once_the_app_reads(string version, string expect, string interim)
    {
        var sim = new Simulation(401);
        var reading = new SimGate(sim);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await reading.WaitAsync();
            var body = await MockApps.ReadBodyAsync(context);
            await MockApps.WriteTextAsync(context, "got " + System.Text.Encoding.ASCII.GetString(body));
        });
        var client = server.Connect();
        client.Send($"POST / {version}\r\nHost: a\r\nContent-Length: 5\r\n{expect}\r\n");
        sim.RunUntilIdle();
        Assert.True(reading.Reached);
        Assert.Equal("", client.ReceivedText);

        reading.Open();
        Assert.Equal(interim, client.TakeReceivedText());

        client.Send("hello");
        sim.RunUntilIdle();
        var response = client.ReceivedText;
        Assert.StartsWith(version + " 200 OK\r\n", response);
        Assert.EndsWith("\r\n\r\ngot hello", response);
        Assert.DoesNotContain("100 Continue", response);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_body_that_already_arrived_gets_no_continue()
    {
        var sim = new Simulation(402);
        var server = SimulatedServer.Start(sim, async context =>
            await MockApps.WriteTextAsync(context, "got " + System.Text.Encoding.ASCII.GetString(await MockApps.ReadBodyAsync(context))));
        var client = server.Connect();
        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
        sim.RunUntilIdle();

        var response = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith("\r\n\r\ngot hello", response);
        Assert.DoesNotContain("100 Continue", response);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void An_app_that_answers_without_reading_sends_no_continue_and_then_fin()
    {
        var sim = new Simulation(403);
        var server = SimulatedServer.Start(sim, MockApps.Text("not reading that"));
        var client = server.Connect();
        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        // The client never sends the body, so the server cannot find the next request: it closes.
        sim.RunUntil(() => client.ServerFinished);
        var response = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith("\r\n\r\nnot reading that", response);
        Assert.DoesNotContain("100 Continue", response);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void An_app_that_finishes_without_reading_or_writing_says_connection_close()
    {
        var sim = new Simulation(404);
        var server = SimulatedServer.Start(sim, context =>
        {
            context.Response.StatusCode = 417;
            return Task.CompletedTask;
        });
        var client = server.Connect();
        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        sim.RunUntil(() => client.ServerFinished);
        var response = client.ReceivedText;
        Assert.StartsWith("HTTP/1.1 417 Expectation Failed\r\n", response);
        Assert.Contains("\r\nConnection: close\r\n", response);
        Assert.DoesNotContain("100 Continue", response);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }
}
