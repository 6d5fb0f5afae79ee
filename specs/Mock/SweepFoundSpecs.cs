using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// Engine bugs the default sweep found by itself, pinned as exact specs on the mock so they stay fixed: each
/// spec fails on the engine before its fix.
/// </summary>
public sealed class SweepFoundSpecs
{
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "400")]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "400")]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n", "505")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n", "413")]
    public void A_bad_request_after_a_kept_alive_response_gets_its_own_answer_not_a_silent_close(string bad, string status)
    {
        var sim = new Simulation(301);
        var server = SimulatedServer.Start(sim, MockApps.Text("first"));
        var client = server.Connect();

        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        Assert.EndsWith("\r\n\r\nfirst", client.TakeReceivedText());
        client.Send(bad);
        sim.RunUntil(() => client.ServerFinished);

        var answer = client.ReceivedText;
        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.Ordinal);
        Assert.False(client.ServerReset);
        client.HalfClose();
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void Writes_dropped_after_an_abort_and_awaited_together_complete_on_the_scheduler_not_the_thread_pool()
    {
        var sim = new Simulation(303);
        var finished = false;
        var server = SimulatedServer.Start(sim, async context =>
        {
            await context.Response.WriteAsync(new byte[10]);
            var aborted = new TaskCompletionSource();
            using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;

            // Several writes at once, before the abort is announced to them: each must be a task of its own.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => context.Response.WriteAsync(new byte[10])));
            finished = true;
        });
        var client = server.Connect(holdWrites: true);
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        client.WritesInFlight[0].Complete(Testbed.Engine.Networking.UvStatus.ECONNRESET);

        sim.RunUntil(() => finished);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_slow_reader_of_a_closing_response_gets_all_of_it_because_the_linger_starts_with_the_fin()
    {
        var sim = new Simulation(302);
        var server = SimulatedServer.Start(sim, MockApps.Text("the whole answer"));
        var client = server.Connect(holdWrites: true);

        client.Send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        sim.RunUntilIdle();
        var write = Assert.Single(client.WritesInFlight);

        // Twice the 2 s linger (and inside MinResponseDataRate's 5 s grace): the reader is slow, and the FIN waits behind its response.
        sim.AdvanceBy(TimeSpan.FromSeconds(4));
        Assert.False(client.ServerClosed, "closed before the response was taken");
        write.Complete();
        sim.RunUntil(() => client.ServerFinished);

        Assert.EndsWith("\r\n\r\nthe whole answer", client.ReceivedText, StringComparison.Ordinal);
        sim.RunUntil(() => client.ServerClosed, within: TimeSpan.FromSeconds(4));
        Assert.False(client.ServerReset);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_connection_aborted_with_request_bytes_unread_gives_back_every_pool_block_its_input_held()
    {
        var sim = new Simulation(304);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), sim.Time);
            await MockApps.WriteTextAsync(context, "late");
        });
        var client = server.Connect();

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + new string('b', 1000));
        sim.AdvanceBy(TimeSpan.FromMilliseconds(1));
        client.Reset();
        sim.RunUntil(() => client.ServerClosed);
        sim.AdvanceBy(TimeSpan.FromMilliseconds(10));
        server.Stop();

        Assert.Equal(0, server.Server.Memory.RentedBlocks);
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void A_malformed_chunk_gets_its_400_and_the_frame_still_ends_the_connection_when_the_client_does()
    {
        var sim = new Simulation(305);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await MockApps.ReadBodyAsync(context);
            await MockApps.WriteTextAsync(context, "unreachable");
        });
        var client = server.Connect();

        client.Send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        sim.RunUntil(() => client.ServerFinished);
        Assert.StartsWith("HTTP/1.1 400 ", client.ReceivedText, StringComparison.Ordinal);
        client.HalfClose();

        // The frame reads the FIN in its linger and closes: well before the 2 s linger timeout would.
        sim.RunUntil(() => client.ServerClosed, within: TimeSpan.FromMilliseconds(10));
        server.Stop();
        Assert.Equal(0, server.Server.Memory.RentedBlocks);
        Assert.Empty(server.Log.Problems);
    }
}
