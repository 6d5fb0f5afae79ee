using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Testbed.Engine.Networking;
using Testbed.Transports.Native;

namespace Testbed.Specs.Native;

public class NativeLoopSpecs
{
    [Fact]
    public void Loop_thread_runs_setup_then_the_loop_then_teardown_on_a_named_background_thread()
    {
        var uv = new NativeLibuv();
        var loop = new UvLoopHandle(uv);
        var events = new ConcurrentQueue<string>();
        var done = LoopHarness.NewSignal();
        UvTimerHandle? timer = null;

        uv.StartLoopThread(
            "spec-lifecycle",
            loop,
            setup: () =>
            {
                events.Enqueue($"setup {Thread.CurrentThread.Name} background={Thread.CurrentThread.IsBackground}");
                loop.Init();
                timer = new UvTimerHandle(loop, () =>
                {
                    events.Enqueue("timer");
                    timer!.Close(_ => events.Enqueue("closed"));
                });
                timer.Start(1, 0);
            },
            teardown: () =>
            {
                events.Enqueue("teardown");
                loop.Close();
                done.SetResult();
            });

        LoopHarness.Wait(done.Task);
        Assert.Equal(["setup spec-lifecycle background=True", "timer", "closed", "teardown"], events);
        Assert.True(loop.IsClosed);
        Assert.Equal(0, loop.Native);
        Assert.Equal(0, timer!.Native);
    }

    [Fact]
    public void Stop_makes_the_loop_return_while_handles_are_still_open()
    {
        var uv = new NativeLibuv();
        var loop = new UvLoopHandle(uv);
        var fires = 0;
        var stillOpenAtTeardown = false;
        var done = LoopHarness.NewSignal();
        UvTimerHandle? timer = null;

        uv.StartLoopThread(
            "spec-stop",
            loop,
            setup: () =>
            {
                loop.Init();
                timer = new UvTimerHandle(loop, () =>
                {
                    if (++fires == 3)
                    {
                        loop.Stop();
                    }
                });
                timer.Start(1, 1);
            },
            teardown: () =>
            {
                stillOpenAtTeardown = !timer!.IsClosing;
                timer.Close();

                // The contract has no way to run the loop again after teardown; drain the close callback by hand.
                LibuvInterop.uv_run(loop.Native, LibuvInterop.UV_RUN_NOWAIT);
                loop.Close();
                done.SetResult();
            });

        LoopHarness.Wait(done.Task);
        Assert.True(stillOpenAtTeardown);
        Assert.Equal(3, fires);
        Assert.True(timer!.IsClosed);
    }

    [Fact]
    public void Closing_a_loop_with_an_open_handle_throws_EBUSY_and_leaves_the_loop_usable()
    {
        using var harness = new LoopHarness();

        var error = harness.Run(() =>
        {
            harness.Track(new UvTimerHandle(harness.Loop, () => { }));
            return Record.Exception(harness.Loop.Close);
        });

        var uvError = Assert.IsType<UvException>(error);
        Assert.Contains("uv_loop_close", uvError.Message);
        Assert.Contains("EBUSY", uvError.Message);
        Assert.Equal(UvStatus.EBUSY, uvError.Status);
        Assert.False(harness.Loop.IsClosed);
        Assert.NotEqual(0, harness.Loop.Native);
        harness.Stop();
        Assert.True(harness.Loop.IsClosed);
    }

    [Fact]
    public unsafe void Data_field_and_type_enums_match_libuv()
    {
        using var harness = new LoopHarness();
        harness.Run(() =>
        {
            var tcp = harness.Track(new UvTcpHandle(harness.Loop));
            var timer = harness.Track(new UvTimerHandle(harness.Loop, () => { }));
            var async = harness.Track(new UvAsyncHandle(harness.Loop, () => { }));

            // Our GCHandle sits where libuv's own accessors read data.
            Assert.Same(harness.Loop, GCHandle.FromIntPtr(LibuvInterop.uv_loop_get_data(harness.Loop.Native)).Target);
            Assert.Same(tcp, GCHandle.FromIntPtr(LibuvInterop.uv_handle_get_data(tcp.Native)).Target);
            Assert.Equal(LibuvInterop.UV_TCP, LibuvInterop.uv_handle_get_type(tcp.Native));
            Assert.Equal(LibuvInterop.UV_TIMER, LibuvInterop.uv_handle_get_type(timer.Native));
            Assert.Equal(LibuvInterop.UV_ASYNC, LibuvInterop.uv_handle_get_type(async.Native));
        });

        Assert.Equal("tcp", Marshal.PtrToStringUTF8((nint)LibuvInterop.uv_handle_type_name(LibuvInterop.UV_TCP)));
        Assert.Equal("timer", Marshal.PtrToStringUTF8((nint)LibuvInterop.uv_handle_type_name(LibuvInterop.UV_TIMER)));
        Assert.Equal("async", Marshal.PtrToStringUTF8((nint)LibuvInterop.uv_handle_type_name(LibuvInterop.UV_ASYNC)));
        Assert.Equal("write", Marshal.PtrToStringUTF8((nint)LibuvInterop.uv_req_type_name(LibuvInterop.UV_WRITE)));
        Assert.Equal("shutdown", Marshal.PtrToStringUTF8((nint)LibuvInterop.uv_req_type_name(LibuvInterop.UV_SHUTDOWN)));
    }

    [Fact]
    public void Error_names_and_messages_come_from_libuv()
    {
        var uv = new NativeLibuv();

        Assert.Equal("ECONNRESET", uv.ErrName(UvStatus.ECONNRESET));
        Assert.Equal("EOF", uv.ErrName(UvStatus.EOF));
        Assert.Equal("EADDRINUSE", uv.ErrName(UvStatus.EADDRINUSE));
        Assert.Equal("address already in use", uv.StrError(UvStatus.EADDRINUSE));
        Assert.Contains("Unknown system error", uv.ErrName(-123456));
    }
}
