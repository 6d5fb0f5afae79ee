using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using static Testbed.Transports.Native.LibuvInterop;

namespace Testbed.Transports.Native;

internal sealed unsafe partial class NativeLibuv
{
    private static readonly nuint LoopSize = uv_loop_size();

    /// <summary>
    /// The loop run by the current thread, and the first exception an engine callback threw on it. One loop per
    /// thread, so thread-static state is per loop; trampolines reach it without touching any libuv structure.
    /// </summary>
    [ThreadStatic]
    private static LoopThreadState? t_loopThread;

    public void LoopInit(UvLoopHandle loop)
    {
        Invariant.Assert(loop.Native == 0, "loop initialised twice");
        var native = (nint)NativeMemory.AllocZeroed(LoopSize);
        var status = uv_loop_init(native);
        if (status < 0)
        {
            NativeMemory.Free((void*)native);
            Check(status, "uv_loop_init");
        }

        SetData(native, loop);
        loop.Native = native;
    }

    public void LoopClose(UvLoopHandle loop)
    {
        // On EBUSY libuv changes nothing, so the loop stays usable and its memory must stay allocated.
        Check(uv_loop_close(LoopOf(loop)), "uv_loop_close");

        // No request is in flight on a closed loop (uv_loop_close refuses with EBUSY otherwise): free the pool.
        if (t_loopThread is { } state && state.Loop == loop)
        {
            state.WritePool.Close();
        }

        FreeNative(loop.Native);
        loop.Native = 0;
    }

    public void Stop(UvLoopHandle loop) => uv_stop(LoopOf(loop));

    public long Now(UvLoopHandle loop) => (long)uv_now(LoopOf(loop));

    /// <summary>The uv_loop_t*; libuv would dereference a null one, so a closed loop is an invariant failure.</summary>
    private static nint LoopOf(UvLoopHandle loop)
    {
        Invariant.Assert(loop.Native != 0, "loop not initialised or already closed");
        return loop.Native;
    }

    public void StartLoopThread(string name, UvLoopHandle loop, Action setup, Action teardown)
    {
        var index = Interlocked.Increment(ref _loopsStarted) - 1;
        var recording = _recorder?.ForLoop(index);
        var thread = new Thread(() => RunLoopThread(name, loop, setup, teardown, recording))
        {
            Name = name,
            // A loop thread must not keep the process alive: the host decides when to stop.
            IsBackground = true,
        };
        thread.Start();
    }

    private void RunLoopThread(string name, UvLoopHandle loop, Action setup, Action teardown, LoopRecording? recording)
    {
        var state = new LoopThreadState(loop, recording);
        t_loopThread = state;
        try
        {
            setup();
            Invariant.Assert(loop.Native != 0, "loop thread setup must initialise the loop");
            uv_run(loop.Native, UV_RUN_DEFAULT);

            // A callback failed: the engine's state is suspect, so teardown is skipped and the original
            // exception (with its original stack) ends the thread.
            state.Failure?.Throw();
            teardown();
        }
        catch (Exception e) when (_onLoopThreadFault is not null)
        {
            _onLoopThreadFault(name, e);
        }
        finally
        {
            // Pooled blocks are free ones, so this is safe even after a fault left writes in flight (those leak,
            // as libuv may still own them); after a normal teardown LoopClose has already emptied the pool.
            state.WritePool.Close();
            t_loopThread = null;
        }
    }

    /// <summary>
    /// Called by a trampoline that caught an engine exception: records the first one and stops the loop, so it
    /// surfaces on the loop thread after uv_run instead of unwinding through libuv's frames.
    /// </summary>
    private static void Fault(Exception exception)
    {
        var state = t_loopThread;
        if (state is null)
        {
            // Only uv_run on a loop thread invokes callbacks; anything else is a transport bug with no safe way out.
            Environment.FailFast("libuv callback outside a loop thread", exception);
            return;
        }

        state.Failure ??= ExceptionDispatchInfo.Capture(exception);
        if (state.Loop.Native != 0)
        {
            uv_stop(state.Loop.Native);
        }
    }

    /// <summary>
    /// True once a callback on this thread's loop has thrown. Later callbacks in the same iteration then skip
    /// the engine (its state is suspect) and only release native memory.
    /// </summary>
    private static bool Faulted => t_loopThread?.Failure is not null;

    /// <summary>This loop thread's recording, or null when nothing is recorded (then recording costs this one read).</summary>
    private static LoopRecording? Recording => t_loopThread?.Recording;

    /// <summary>This loop thread's write block pool (for specs; loop thread only), or null off a loop thread.</summary>
    internal static WriteRequestPool? CurrentWritePool => t_loopThread?.WritePool;

    private sealed class LoopThreadState(UvLoopHandle loop, LoopRecording? recording)
    {
        public UvLoopHandle Loop { get; } = loop;

        public LoopRecording? Recording { get; } = recording;

        public ExceptionDispatchInfo? Failure { get; set; }

        public WriteRequestPool WritePool { get; } = new();
    }
}
