using System.Net;
using System.Net.Sockets;
using Testbed.Engine.Networking;
using Testbed.Transports.Native;

namespace Testbed.Specs.Native;

/// <summary>
/// A loop reuses its uv_write_t blocks (NativeLibuv.WriteRequestPool): steady-state writes allocate none, the
/// pool keeps at most its capacity, a refused write gives its block back, and closing the loop frees them all.
/// </summary>
public class NativeWritePoolSpecs
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    [Fact]
    public void Writes_resubmitted_from_their_completion_reuse_one_block_and_closing_the_loop_frees_it()
    {
        const int writes = 500;
        using var harness = new LoopHarness();
        var buffer = new PinnedBuffer("0123456789"u8.ToArray());
        var done = LoopHarness.NewSignal();
        var statuses = new List<int>();

        var (port, pool) = harness.Run(() => (harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (server, _) =>
        {
            var client = harness.Accept(server);
            var write = new UvWriteReq(harness.Loop);
            void Next(UvRequest _, int status)
            {
                statuses.Add(status);
                if (statuses.Count == writes)
                {
                    done.SetResult();
                    return;
                }

                write.Write(client, [buffer.Buffer], Next);
            }

            write.Write(client, [buffer.Buffer], Next);
        }).GetSockName().Port, NativeLibuv.CurrentWritePool!));

        using (var socket = LoopHarness.Connect(new IPEndPoint(IPAddress.Loopback, port)))
        {
            LoopHarness.Wait(done.Task);
            Assert.Equal(writes * 10, Receive(socket, writes * 10));
        }

        var (created, pooled) = harness.Run(() => (pool.Created, pool.Count));
        Assert.All(statuses, s => Assert.Equal(0, s));
        Assert.Equal(1, created);
        Assert.Equal(1, pooled);

        harness.Stop();
        Assert.Equal(0, pool.Count);
        Assert.Equal(pool.Created, pool.Destroyed);
    }

    [Fact]
    public void A_burst_beyond_the_capacity_keeps_only_the_capacity_pooled()
    {
        const int writes = NativeLibuv.WriteRequestPool.Capacity * 3;
        using var harness = new LoopHarness();
        var buffer = new PinnedBuffer(new byte[100]);
        var done = LoopHarness.NewSignal();
        var completed = 0;

        var (port, pool) = harness.Run(() => (harness.Listen(AnyLoopbackPort, PortSharing.Exclusive, (server, _) =>
        {
            var client = harness.Accept(server);

            // All submitted in one callback: libuv completes none before the next loop iteration.
            for (var i = 0; i < writes; i++)
            {
                new UvWriteReq(harness.Loop).Write(client, [buffer.Buffer], (_, status) =>
                {
                    Assert.Equal(0, status);
                    if (++completed == writes)
                    {
                        done.SetResult();
                    }
                });
            }
        }).GetSockName().Port, NativeLibuv.CurrentWritePool!));

        using (var socket = LoopHarness.Connect(new IPEndPoint(IPAddress.Loopback, port)))
        {
            Assert.Equal(writes * 100, Receive(socket, writes * 100));
            LoopHarness.Wait(done.Task);
        }

        var (created, destroyed, pooled) = harness.Run(() => (pool.Created, pool.Destroyed, pool.Count));
        Assert.Equal(writes, created);
        Assert.Equal(NativeLibuv.WriteRequestPool.Capacity, pooled);
        Assert.Equal(writes - NativeLibuv.WriteRequestPool.Capacity, destroyed);

        harness.Stop();
        Assert.Equal(0, pool.Count);
        Assert.Equal(writes, pool.Destroyed);
    }

    [Fact]
    public void A_refused_write_returns_its_block_to_the_pool()
    {
        using var harness = new LoopHarness();

        var (created, pooled, refused) = harness.Run(() =>
        {
            var pool = NativeLibuv.CurrentWritePool!;
            var unconnected = harness.Track(new UvTcpHandle(harness.Loop));
            var write = new UvWriteReq(harness.Loop);
            var buffer = new PinnedBuffer(4);
            var refused = 0;
            for (var i = 0; i < 10; i++)
            {
                refused += Record.Exception(() => write.Write(unconnected, [buffer.Buffer], (_, _) => { })) is UvException ? 1 : 0;
            }

            return (pool.Created, pool.Count, refused);
        });

        Assert.Equal(10, refused);
        Assert.Equal(1, created);
        Assert.Equal(1, pooled);
    }

    [Fact]
    public void The_pool_belongs_to_loop_threads_only() => Assert.Null(NativeLibuv.CurrentWritePool);

    private static int Receive(Socket socket, int expected)
    {
        var chunk = new byte[65536];
        var total = 0;
        while (total < expected)
        {
            var read = socket.Receive(chunk);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
