using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;
using Testbed.Transports.Recording;

namespace Testbed.Specs.Integration;

public sealed partial class ServeProcessSpecs
{
    [Fact]
    public async Task Serve_with_record_writes_a_complete_recording_and_says_so_in_one_line_at_stop()
    {
        using var file = new TempFile();
        await using var serve = await ServeProcess.StartAsync("--threads", "2", "--record", file.Path, "--record-bodies", "full");
        using (var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Bounded.Timeout })
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("Hello, World!", await client.GetStringAsync(new Uri(serve.BaseAddress, "/plaintext")));
            }
        }

        var exit = await serve.SignalAsync("INT");

        Assert.Equal(0, exit.Code);
        var recording = Recording.Load(file.Path);
        Assert.NotNull(recording.Footer);
        var connections = recording.Connections.Count;
        Assert.InRange(connections, 1, 3);
        var size = new FileInfo(file.Path).Length;
        Assert.Contains($"recorded {connections} connections, {recording.Events.Count} events ({size} bytes) to {file.Path}", serve.Output);
        Assert.Equal(RecordBodies.Full, recording.Header.Bodies);
        Assert.Equal(3, recording.Events.Count(e => e.Kind == RecordedKind.Write && e.Bytes is { } b && b.AsSpan().IndexOf("Hello, World!"u8) >= 0));
    }
}
