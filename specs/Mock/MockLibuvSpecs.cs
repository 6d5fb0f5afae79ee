using Microsoft.Extensions.Logging;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>The libuv semantics the engine relies on, checked directly on <see cref="MockLibuv"/> under a <see cref="LoopThread"/>.</summary>
public sealed class MockLibuvSpecs
{
    [Fact]
    public void Async_sends_before_the_callback_coalesce_into_one_callback()
    {
        var (sim, thread) = StartLoop(501);
        var fired = 0;
        var handle = OnLoop(sim, thread, () => new UvAsyncHandle(thread.Loop, () => fired++));
        var id = sim.Trace.Id(handle, "a");

        var firedDuringSends = OnLoop(sim, thread, () =>
        {
            for (var i = 0; i < 5; i++)
            {
                handle.Send();
            }

            return fired;
        });
        sim.RunUntilIdle();

        Assert.Equal(0, firedDuringSends);
        Assert.Equal(1, fired);
        Assert.Equal(5, CountLines(sim, $" uv.async_send {id}"));
        Assert.Equal(4, CountLines(sim, $" uv.async_send {id} coalesced"));
        Assert.Equal(1, CountLines(sim, $" cb.async {id}"));

        // Coalescing ends with the callback: a later send fires again.
        OnLoop(sim, thread, () =>
        {
            handle.Send();
            return true;
        });
        sim.RunUntilIdle();
        Assert.Equal(2, fired);

        OnLoop(sim, thread, () => Close(handle));
        StopLoop(sim, thread);
    }

    [Fact]
    public void Close_callbacks_run_on_a_later_event_and_walk_lists_live_handles_in_creation_order()
    {
        var (sim, thread) = StartLoop(502);
        var before = sim.Libuv.Walk(thread.Loop).ToList();
        var (timer, async, tcp) = OnLoop(sim, thread, () =>
            (new UvTimerHandle(thread.Loop, () => { }), new UvAsyncHandle(thread.Loop, () => { }), new UvTcpHandle(thread.Loop)));
        Assert.Equal([.. before, timer, async, tcp], sim.Libuv.Walk(thread.Loop));

        var closedInsideClose = true;
        var listedWhileClosing = false;
        var closed = false;
        OnLoop(sim, thread, () =>
        {
            async.Close(_ => closed = true);
            closedInsideClose = closed;
            listedWhileClosing = sim.Libuv.Walk(thread.Loop).Contains(async);
            return true;
        });
        sim.RunUntilIdle();

        Assert.False(closedInsideClose, "the close callback ran inside uv_close");
        Assert.True(listedWhileClosing, "a closing handle is still walked until its callback");
        Assert.True(closed);
        Assert.Equal([.. before, timer, tcp], sim.Libuv.Walk(thread.Loop));

        OnLoop(sim, thread, () => Close(timer) && Close(tcp));
        StopLoop(sim, thread);
    }

    [Fact]
    public void Loop_close_fails_with_ebusy_while_handles_remain_and_succeeds_once_they_are_closed()
    {
        var (sim, thread) = StartLoop(503);
        var timer = OnLoop(sim, thread, () => new UvTimerHandle(thread.Loop, () => { }));

        var busy = OnLoop(sim, thread, () => Record.Exception(thread.Loop.Close));

        var error = Assert.IsType<UvException>(busy);
        Assert.Equal(UvStatus.EBUSY, error.Status);
        Assert.Equal("EBUSY", error.ErrorName);
        Assert.False(thread.Loop.IsClosed);
        Assert.False(sim.Libuv.AllLoopsClosed);

        OnLoop(sim, thread, () => Close(timer));
        StopLoop(sim, thread);
        Assert.True(thread.Loop.IsClosed);
    }

    [Theory]
    [InlineData("uv_shutdown twice", -107)]
    [InlineData("uv_write after uv_shutdown", UvStatus.EPIPE)]
    [InlineData("uv_read_start twice", -114)]
    public void What_libuv_refuses_with_an_error_the_mock_refuses_with_the_same_error_and_reports_as_misuse(string misuse, int status)
    {
        var sim = new Simulation(509);
        var reported = new List<string>();
        sim.Observe(new MisuseRecorder(reported));
        var server = SimulatedServer.Start(sim, Support.MockApps.Text("hi"));
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        sim.RunUntilIdle();
        var stream = client.ServerHandle!;

        var error = Assert.Throws<UvException>(() =>
        {
            switch (misuse)
            {
                case "uv_shutdown twice":
                    sim.Libuv.Shutdown(new UvShutdownReq(stream.Loop), stream);
                    sim.Libuv.Shutdown(new UvShutdownReq(stream.Loop), stream);
                    break;
                case "uv_write after uv_shutdown":
                    sim.Libuv.Shutdown(new UvShutdownReq(stream.Loop), stream);
                    sim.Libuv.Write(new UvWriteReq(stream.Loop), stream, [default]);
                    break;
                default:
                    sim.Libuv.ReadStart(stream);
                    break;
            }
        });

        Assert.Equal(status, error.Status);
        Assert.Single(reported);
    }

    private sealed class MisuseRecorder(List<string> reported) : Testbed.Transports.Mock.Observation.SimulationObserver
    {
        public override void Misuse(Testbed.Transports.Mock.Observation.LibuvMisuse kind, string call, string detail) => reported.Add($"{kind}: {detail}");
    }

    [Fact]
    public void A_zero_byte_read_before_every_segment_is_not_eof()
    {
        var sim = new Simulation(504, new SimulationOptions { Faults = { ZeroReadChance = 1.0 } });
        var server = SimulatedServer.Start(sim, Support.MockApps.Text("still here"));
        var client = server.Connect();
        client.Send("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n", Fragmentation.At(10, 40));
        sim.RunUntilIdle();

        var reads = sim.Trace.ToString().Split('\n').Where(l => l.Contains(" cb.read ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, reads.Count(l => l.EndsWith(" n=0", StringComparison.Ordinal)));
        Assert.Equal(6, reads.Count);
        Assert.Equal(2, CountOccurrences(client.ReceivedText, "\r\n\r\nstill here"));
        Assert.False(client.ServerFinished, "a zero-byte read was taken for EOF");
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    private static (Simulation, LoopThread) StartLoop(ulong seed)
    {
        var sim = new Simulation(seed);
        var log = new TraceLoggerProvider(sim);
        var thread = new LoopThread(sim.Libuv, sim.Scheduler, "spec-loop", log.CreateLogger("spec"));
        sim.Run(thread.StartAsync);
        return (sim, thread);
    }

    private static void StopLoop(Simulation sim, LoopThread thread)
    {
        thread.Stop();
        sim.Run(() => thread.Stopped);
        Assert.Equal(0, sim.Libuv.OpenHandles);
        Assert.True(sim.Libuv.AllLoopsClosed);
    }

    /// <summary>Runs <paramref name="work"/> as posted work on the loop, inside the simulation.</summary>
    private static T OnLoop<T>(Simulation sim, LoopThread thread, Func<T> work)
    {
        Task<T> task = null!;
        sim.Run(() => task = thread.InvokeAsync(work));
        return task.Result;
    }

    private static bool Close(UvHandle handle)
    {
        handle.Close();
        return true;
    }

    private static int CountLines(Simulation sim, string fragment) =>
        sim.Trace.ToString().Split('\n').Count(l => l.Contains(fragment, StringComparison.Ordinal));

    private static int CountOccurrences(string text, string fragment) =>
        (text.Length - text.Replace(fragment, "", StringComparison.Ordinal).Length) / fragment.Length;
}
