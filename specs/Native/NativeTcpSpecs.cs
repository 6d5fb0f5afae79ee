using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Testbed.Engine.Networking;
using Testbed.Transports.Native;

namespace Testbed.Specs.Native;

public class NativeTcpSpecs
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    [Fact]
    public void Accepted_connection_reads_the_client_bytes_then_EOF()
    {
        using var harness = new LoopHarness();
        var reader = new Reader();
        var peer = LoopHarness.NewSignal<IPEndPoint>();

        var port = harness.Run(() => harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (server, status) =>
        {
            Assert.Equal(0, status);
            var client = harness.Accept(server);
            client.NoDelay(true);
            peer.SetResult(client.GetPeerName());
            reader.Start(client);
        }).GetSockName().Port);

        using var socket = LoopHarness.Connect(new IPEndPoint(IPAddress.Loopback, port));
        socket.Send("hello, "u8);
        socket.Send("libuv"u8);
        socket.Shutdown(SocketShutdown.Send);

        Assert.Equal(UvStatus.EOF, LoopHarness.Wait(reader.End.Task));
        Assert.Equal("hello, libuv", Encoding.ASCII.GetString(reader.Received.ToArray()));
        Assert.Equal(socket.LocalEndPoint, LoopHarness.Wait(peer.Task));
    }

    [Fact]
    public unsafe void Writes_of_several_buffers_arrive_in_order_and_shutdown_gives_the_client_EOF()
    {
        using var harness = new LoopHarness();
        var first = new[] { "alpha-", "beta-", "gamma-" }.Select(s => new PinnedBuffer(Encoding.ASCII.GetBytes(s))).ToArray();
        var second = Enumerable.Range(0, 20).Select(i => new PinnedBuffer(Encoding.ASCII.GetBytes($"[{i}]"))).ToArray();
        var statuses = new List<string>();
        var layoutChecked = false;

        var port = harness.Run(() => harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (server, _) =>
        {
            var client = harness.Accept(server);
            var write = new UvWriteReq(harness.Loop);
            write.Write(client, first.Select(b => b.Buffer).ToArray(), (_, s1) =>
            {
                statuses.Add($"write {s1}");

                // The request is free again: the same wrapper is resubmitted from its own completion.
                write.Write(client, second.Select(b => b.Buffer).ToArray(), (_, s2) =>
                {
                    statuses.Add($"write {s2}");
                    new UvShutdownReq(harness.Loop).Shutdown(client, (_, s3) => statuses.Add($"shutdown {s3}"));
                });
            });
            layoutChecked = GCHandle.FromIntPtr(LibuvInterop.uv_req_get_data(write.Native)).Target == write
                && LibuvInterop.uv_req_get_type(write.Native) == LibuvInterop.UV_WRITE;
        }).GetSockName().Port);

        using var socket = LoopHarness.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var text = Encoding.ASCII.GetString(ReadToEnd(socket));

        var expected = "alpha-beta-gamma-" + string.Concat(Enumerable.Range(0, 20).Select(i => $"[{i}]"));
        Assert.Equal(expected, text);
        Assert.Equal(["write 0", "write 0", "shutdown 0"], harness.Run(() => statuses.ToList()));
        Assert.True(layoutChecked);
    }

    [Fact]
    public void A_client_reset_reads_as_ECONNRESET()
    {
        using var harness = new LoopHarness();
        var reader = new Reader();
        var reading = LoopHarness.NewSignal();

        var port = harness.Run(() => harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (server, _) =>
        {
            reader.Start(harness.Accept(server));
            reading.SetResult();
        }).GetSockName().Port);

        var socket = LoopHarness.Connect(new IPEndPoint(IPAddress.Loopback, port));
        LoopHarness.Wait(reading.Task);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();

        var status = LoopHarness.Wait(reader.End.Task);
        Assert.Equal(UvStatus.ECONNRESET, status);
        Assert.Equal("ECONNRESET", harness.Uv.ErrName(status));
    }

    [Fact]
    public void Binding_a_port_in_use_without_reuseport_throws_EADDRINUSE()
    {
        using var harness = new LoopHarness();

        var error = harness.Run(() =>
        {
            var port = harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (_, _) => { }).GetSockName().Port;
            var second = harness.Track(new UvTcpHandle(harness.Loop));
            return Record.Exception(() => second.Bind(new IPEndPoint(IPAddress.Loopback, port), PortSharing.Exclusive));
        });

        var uvError = Assert.IsType<UvException>(error);
        Assert.Contains("uv_tcp_bind", uvError.Message);
        Assert.Contains("EADDRINUSE", uvError.Message);
        Assert.Equal(UvStatus.EADDRINUSE, uvError.Status);
    }

    [Fact]
    public void Reuseport_cannot_share_a_port_with_a_listener_that_did_not_opt_in()
    {
        using var harness = new LoopHarness();

        var error = harness.Run(() =>
        {
            var port = harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (_, _) => { }).GetSockName().Port;
            var second = harness.Track(new UvTcpHandle(harness.Loop));
            return Record.Exception(() => second.Bind(new IPEndPoint(IPAddress.Loopback, port), PortSharing.JoinGroup));
        });

        Assert.Contains("EADDRINUSE", Assert.IsType<UvException>(error).Message);
    }

    [Fact]
    public void Two_loops_bind_the_same_port_with_reuseport_and_share_the_connections()
    {
        const int clients = 40;
        using var first = new LoopHarness("spec-reuseport-1");
        using var second = new LoopHarness("spec-reuseport-2");
        using var allAccepted = new CountdownEvent(clients);
        var accepted = new int[2];

        Action<UvStreamHandle, int> AcceptOn(LoopHarness harness, int index) => (server, status) =>
        {
            Assert.Equal(0, status);
            harness.Accept(server);
            Interlocked.Increment(ref accepted[index]);
            allAccepted.Signal();
        };

        var port = first.Run(() => first.Listen(AnyLoopbackPort, PortSharing.FirstOfGroup, AcceptOn(first, 0)).GetSockName().Port);
        var secondPort = second.Run(() =>
            second.Listen(new IPEndPoint(IPAddress.Loopback, port), PortSharing.JoinGroup, AcceptOn(second, 1)).GetSockName().Port);
        Assert.Equal(port, secondPort);

        var sockets = Enumerable.Range(0, clients).Select(_ => LoopHarness.Connect(new IPEndPoint(IPAddress.Loopback, port))).ToList();
        try
        {
            Assert.True(allAccepted.Wait(LoopHarness.Timeout), $"accepted {accepted[0]} + {accepted[1]} of {clients}");
            Assert.Equal(clients, Volatile.Read(ref accepted[0]) + Volatile.Read(ref accepted[1]));
            Assert.True(accepted[0] > 0 && accepted[1] > 0, $"the kernel gave {accepted[0]} and {accepted[1]}");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void IPv6_loopback_binds_with_reuseport_and_reports_IPv6_addresses()
    {
        using var harness = new LoopHarness();
        var peer = LoopHarness.NewSignal<IPEndPoint>();

        var local = harness.Run(() => harness.Listen(new IPEndPoint(IPAddress.IPv6Loopback, 0), PortSharing.JoinGroup, (server, _) =>
            peer.SetResult(harness.Accept(server).GetPeerName())).GetSockName());

        Assert.Equal(IPAddress.IPv6Loopback, local.Address);
        Assert.NotEqual(0, local.Port);
        using var socket = LoopHarness.Connect(local);
        Assert.Equal(socket.LocalEndPoint, LoopHarness.Wait(peer.Task));
    }

    [Fact]
    public void A_refused_write_or_shutdown_throws_and_leaves_the_request_reusable()
    {
        using var harness = new LoopHarness();

        var (writeError, shutdownError, inFlight, native) = harness.Run(() =>
        {
            var unconnected = harness.Track(new UvTcpHandle(harness.Loop));
            var write = new UvWriteReq(harness.Loop);
            var buffer = new PinnedBuffer(4);
            var writeError = Record.Exception(() => write.Write(unconnected, [buffer.Buffer], (_, _) => { }));
            var shutdown = new UvShutdownReq(harness.Loop);
            var shutdownError = Record.Exception(() => shutdown.Shutdown(unconnected, (_, _) => { }));
            return (writeError, shutdownError, write.InFlight || shutdown.InFlight, write.Native | shutdown.Native);
        });

        Assert.Equal("uv_write", Assert.IsType<UvException>(writeError).Call);
        Assert.Equal("uv_shutdown", Assert.IsType<UvException>(shutdownError).Call);
        Assert.Equal("ENOTCONN", ((UvException)shutdownError!).ErrorName);
        Assert.False(inFlight);
        Assert.Equal(0, native);
    }

    private static byte[] ReadToEnd(Socket socket)
    {
        using var received = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = socket.Receive(chunk)) > 0)
        {
            received.Write(chunk, 0, read);
        }

        return received.ToArray();
    }

    /// <summary>Reads a stream into a pinned buffer; <see cref="End"/> completes with the first negative status.</summary>
    private sealed class Reader
    {
        private readonly PinnedBuffer _buffer = new(4096);

        public MemoryStream Received { get; } = new();

        public TaskCompletionSource<int> End { get; } = LoopHarness.NewSignal<int>();

        public void Start(UvStreamHandle stream) => stream.ReadStart((_, _) => _buffer.Buffer, (_, status, buffer) =>
        {
            if (status > 0)
            {
                Received.Write(buffer.AsSpan()[..status]);
            }
            else if (status < 0)
            {
                End.TrySetResult(status);
            }
        });
    }
}
