using System.Net;
using System.Text;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;
using Testbed.Transports.Recording;

namespace Testbed.Specs.Integration;

/// <summary>
/// Issue 13's promise, end to end: a real <c>testbed serve --record</c> driven by curl and raw sockets, then
/// <c>testbed replay --recording</c> of the file on the mock, with every connection's output matching.
/// </summary>
public sealed partial class ServeProcessSpecs
{
    private const string Get = "GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n";

    [Theory]
    [InlineData("full")]
    [InlineData("hash")]
    public async Task A_recorded_run_of_every_kind_of_client_replays_on_the_mock_with_every_connections_output_matching(string bodies)
    {
        using var file = new TempFile();
        using var upload = new TempFile();
        await File.WriteAllBytesAsync(upload.Path, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3_000).Select(i => $"line {i}\n"))));
        await using var serve = await ServeProcess.StartAsync("--threads", "2", "--record", file.Path, "--record-bodies", bodies);
        var endPoint = new IPEndPoint(IPAddress.Loopback, serve.BaseAddress.Port);
        var url = serve.BaseAddress.ToString().TrimEnd('/');

        // Keep-alive: two requests on one curl connection.
        await AwayFromASecondBoundaryAsync();
        Assert.Equal(0, (await Curl.RunAsync("-sf", "-o", "/dev/null", "-o", "/dev/null", url + "/plaintext", url + "/plaintext")).ExitCode);

        // A chunked upload, and a body sent only after 100 Continue.
        await AwayFromASecondBoundaryAsync();
        Assert.Equal(0, (await Curl.RunAsync("-sf", "-o", "/dev/null", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + upload.Path, url + "/echo")).ExitCode);
        await AwayFromASecondBoundaryAsync();
        Assert.Equal(0, (await Curl.RunAsync("-sf", "-o", "/dev/null", "-H", "Expect: 100-continue", "--data-binary", "@" + upload.Path, url + "/echo")).ExitCode);

        // Three pipelined requests in one send, the last asking to close.
        await AwayFromASecondBoundaryAsync();
        using (var pipelined = await RawConnection.OpenAsync(endPoint))
        {
            await pipelined.SendAsync(Get + Get + Get.Replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", StringComparison.Ordinal));
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(200, (await pipelined.ReadResponseAsync()).Status);
            }
        }

        // A client that resets in the middle of an 8 MiB response.
        await AwayFromASecondBoundaryAsync();
        using (var resetter = await RawConnection.OpenAsync(endPoint, receiveBufferSize: 16_384))
        {
            await resetter.SendAsync("GET /bytes/8388608 HTTP/1.1\r\nHost: a\r\n\r\n");
            await resetter.ReadExactlyAsync(100_000);
            resetter.Reset();
        }

        // A slow reader of a 2 MiB response: small reads with pauses, so writes wait for the socket.
        await AwayFromASecondBoundaryAsync();
        using (var slow = await RawConnection.OpenAsync(endPoint, receiveBufferSize: 8_192))
        {
            await slow.SendAsync("GET /bytes/2097152 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            var head = await slow.ReadHeadAsync();
            Assert.Equal(200, head.Status);
            for (var taken = 0L; taken < 2_097_152; taken += 65_536)
            {
                await slow.ReadExactlyAsync(65_536);
                await Task.Delay(5);
            }
        }

        Assert.Equal(0, (await serve.SignalAsync("INT")).Code);
        var recording = Recording.Load(file.Path);
        Assert.NotNull(recording.Footer);
        Assert.Equal(0, recording.Footer.Dropped);
        Assert.Equal(6, recording.Connections.Count);
        Assert.Contains(recording.Events, e => e.Kind is RecordedKind.ReadError or RecordedKind.WriteDone && e.Status < 0);

        var replay = await TestbedCli.RunAsync("replay", "--recording", file.Path, "--tail", "1");

        Assert.True(replay.ExitCode == 0, replay.Error);
        Assert.Contains("output: every connection matches the recording (6 connections)", replay.Error, StringComparison.Ordinal);
        Assert.Contains("invariants: every invariant held", replay.Error, StringComparison.Ordinal);
        // Connection 5 is the reset one: its recorded output is matched as a prefix, and what the simulated app
        // wrote past it before the reset is noted; every other connection's output is the recorded one exactly.
        for (var id = 1; id <= 6; id++)
        {
            Assert.Matches(id == 5 ? $@"connection 5 \(loop \d\): match, \d+ of \d+ bytes" : $@"connection {id} \(loop \d\): match, (\d+) of \1 bytes", replay.Error);
        }
    }

    /// <summary>
    /// Waits until the wall clock is 50 to 300 ms into a second. A response's Date is the second its head was
    /// made in, some time after its request arrived (a first request of its kind waits for the JIT); the replay
    /// makes it the moment the request arrives, as it cannot know the real app's speed (docs/record-replay.md).
    /// Starting each exchange early in a second keeps a second boundary out of that gap, so the spec judges the
    /// replay, not the chance of a boundary.
    /// </summary>
    private static async Task AwayFromASecondBoundaryAsync()
    {
        var intoSecond = DateTimeOffset.UtcNow.Millisecond;
        if (intoSecond is < 50 or > 300)
        {
            await Task.Delay(TimeSpan.FromMilliseconds((1_050 - intoSecond) % 1_000));
        }
    }
}
