using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Testbed.Cli.Routes;
using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;
using Testbed.Transports.Native;
using Testbed.Transports.Recording;

namespace Testbed.Specs.Recorder;

/// <summary>
/// A real server on native libuv recording real sockets: what the file says a connection read and wrote is
/// exactly what the client sent and received.
/// </summary>
public sealed class NativeRecordingSpecs
{
    private const string KeepAlive = "GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n";

    private const string PipelinedPair = "GET /bytes/5 HTTP/1.1\r\nHost: a\r\n\r\nPOST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

    [Fact]
    public async Task A_recording_holds_what_the_client_sent_and_hashes_what_it_received()
    {
        var (recording, sent, received) = await RecordOneConnectionAsync(RecordBodies.Hash);

        var connection = Assert.Single(recording.Connections);
        var events = connection.ToList();
        Assert.Equal(RecordedKind.Accept, events[0].Kind);
        Assert.InRange(events[0].Loop!.Value, 0, 1);

        var reads = events.Where(e => e.Kind == RecordedKind.Read).ToList();
        Assert.Equal(sent, reads.SelectMany(r => r.Bytes!).ToArray());
        Assert.Equal(sent.Length, reads.Sum(r => r.Count!.Value));
        Assert.All(reads, r => Assert.Equal(r.Count, r.Bytes!.Length));

        var writes = events.Where(e => e.Kind == RecordedKind.Write).ToList();
        Assert.NotEmpty(writes);
        Assert.Equal(received.Length, writes.Sum(w => w.Count!.Value));
        Assert.Equal(Enumerable.Range(1, writes.Count), writes.Select(w => w.Write!.Value));
        Assert.All(writes, w => Assert.Null(w.Bytes));
        Assert.Equal(OutputHash.Of(received), writes[^1].Hash);
        AssertRunningHashes(writes, received);

        var done = events.Where(e => e.Kind == RecordedKind.WriteDone).ToList();
        Assert.Equal(writes.Select(w => w.Write), done.Select(d => d.Write));
        Assert.All(done, d => Assert.Equal(0, d.Status));
        Assert.All(writes.Zip(done), pair => Assert.True(pair.First.Micros <= pair.Second.Micros));

        // Connection: close on the second of the pair: FIN after the output, then the handle's close.
        var kinds = events.Select(e => e.Kind).ToList();
        Assert.Contains(RecordedKind.Shutdown, kinds);
        Assert.Contains(RecordedKind.ShutdownDone, kinds);
        Assert.True(kinds.IndexOf(RecordedKind.Shutdown) > kinds.LastIndexOf(RecordedKind.Write), "the FIN is after the last write");
        Assert.Equal(RecordedKind.Close, kinds[^1]);
        Assert.DoesNotContain(RecordedKind.ReadError, kinds);

        Assert.Equal(2, recording.Header.Loops);
        Assert.Equal("builtin", recording.Header.Settings["App"]);
        Assert.Equal(new RecordingFooter { Micros = recording.Footer!.Micros, Events = recording.Events.Count }, recording.Footer);
    }

    [Fact]
    public async Task Bodies_none_keeps_no_byte_only_counts_and_hashes_of_each_read()
    {
        var (recording, sent, received) = await RecordOneConnectionAsync(RecordBodies.None);

        Assert.All(recording.Events, e => Assert.Null(e.Bytes));
        var reads = recording.Events.Where(e => e.Kind == RecordedKind.Read).ToList();
        var at = 0;
        foreach (var read in reads)
        {
            Assert.Equal(OutputHash.Of(sent.AsSpan(at, read.Count!.Value)), read.Hash);
            at += read.Count.Value;
        }

        Assert.Equal(sent.Length, at);
        Assert.Equal(OutputHash.Of(received), recording.Events.Last(e => e.Kind == RecordedKind.Write).Hash);
    }

    [Fact]
    public async Task Bodies_full_keeps_every_written_byte()
    {
        var (recording, sent, received) = await RecordOneConnectionAsync(RecordBodies.Full);

        var writes = recording.Events.Where(e => e.Kind == RecordedKind.Write).ToList();
        Assert.Equal(received, writes.SelectMany(w => w.Bytes!).ToArray());
        Assert.Equal(sent, recording.Events.Where(e => e.Kind == RecordedKind.Read).SelectMany(r => r.Bytes!).ToArray());
    }

    [Fact]
    public void The_header_names_every_server_limit_by_its_property()
    {
        var options = new TestbedServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(7) };
        options.Limits.MaxConcurrentConnections = 12;
        options.Limits.MinResponseDataRate = null;

        var settings = NativeRecorder.Settings(options, new Dictionary<string, string> { ["Root"] = "/srv" });

        foreach (var limit in typeof(ServerLimits).GetProperties())
        {
            Assert.Contains(settings.Keys, key => key == $"Limits:{limit.Name}" || key.StartsWith($"Limits:{limit.Name}:", StringComparison.Ordinal));
        }

        Assert.Equal("12", settings["Limits:MaxConcurrentConnections"]);
        Assert.Equal("unlimited", settings["Limits:MinResponseDataRate"]);
        Assert.Equal("240", settings["Limits:MinRequestBodyDataRate:BytesPerSecond"]);
        Assert.Equal("00:00:05", settings["Limits:MinRequestBodyDataRate:GracePeriod"]);
        Assert.Equal("00:02:10", settings["Limits:KeepAliveTimeout"]);
        Assert.Equal("00:00:07", settings["ShutdownTimeout"]);
        Assert.Equal("/srv", settings["Root"]);
    }

    /// <summary>Each write's h is the hash of the output up to and including it.</summary>
    private static void AssertRunningHashes(List<RecordedEvent> writes, byte[] received)
    {
        var end = 0;
        foreach (var write in writes)
        {
            end += write.Count!.Value;
            Assert.Equal(OutputHash.Of(received.AsSpan(0, end)), write.Hash);
        }
    }

    /// <summary>
    /// One client connection on a recording two-loop server: a keep-alive GET, its response, then a pipelined
    /// pair whose second asks to close; read until the server's FIN. Returns the finished recording.
    /// </summary>
    private static async Task<(Transports.Recording.Recording Recording, byte[] Sent, byte[] Received)> RecordOneConnectionAsync(RecordBodies bodies)
    {
        using var file = new TempFile();
        var services = new ServiceCollection();
        services.AddLogging();
        services
            .AddTestbedServer(o =>
            {
                o.EndPoint = new IPEndPoint(IPAddress.Loopback, 0);
                o.ThreadCount = 2;
            })
            .UseApplication(new BuiltInRoutes(null).HandleAsync)
            .UseNativeLibuv()
            .RecordTo(new RecordingOptions { Path = file.Path, Bodies = bodies, Settings = new Dictionary<string, string> { ["App"] = "builtin" } });
        byte[] received;
        await using (var provider = services.BuildServiceProvider())
        {
            var server = provider.GetRequiredService<TestbedServer>();
            await server.StartAsync().WaitAsync(Bounded.Timeout);
            using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                using var timeout = new CancellationTokenSource(Bounded.Timeout);
                await client.ConnectAsync(server.EndPoint!, timeout.Token);
                var output = new MemoryStream();
                await SendAsync(client, KeepAlive, timeout.Token);
                // The keep-alive response is complete with its body (Content-Length); only then the pair.
                while (!Encoding.Latin1.GetString(output.ToArray()).EndsWith("Hello, World!", StringComparison.Ordinal))
                {
                    Assert.True(await ReceiveAsync(client, output, timeout.Token), "the server closed before answering the keep-alive GET");
                }

                await SendAsync(client, PipelinedPair, timeout.Token);
                while (await ReceiveAsync(client, output, timeout.Token))
                {
                }

                received = output.ToArray();
            }

            await Bounded.UntilAsync(() => server.OpenConnections == 0, "the server to close the connection");
            await server.StopAsync().WaitAsync(Bounded.Timeout);
        }

        var recording = Recording.Load(file.Path);
        if (bodies == RecordBodies.None)
        {
            Assert.DoesNotContain("hello", await File.ReadAllTextAsync(file.Path), StringComparison.Ordinal);
        }

        return (recording, Encoding.ASCII.GetBytes(KeepAlive + PipelinedPair), received);
    }

    private static async Task SendAsync(Socket client, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.ASCII.GetBytes(text).AsMemory();
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await client.SendAsync(bytes, SocketFlags.None, cancellationToken)..];
        }
    }

    /// <summary>Appends what one receive got; false at the server's FIN.</summary>
    private static async Task<bool> ReceiveAsync(Socket client, MemoryStream output, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var n = await client.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        output.Write(buffer, 0, n);
        return n > 0;
    }
}
