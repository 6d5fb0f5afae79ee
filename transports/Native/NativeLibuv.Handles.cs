using System.Runtime.CompilerServices;
using Testbed.Engine.Networking;
using Testbed.Transports.Recording;
using static Testbed.Transports.Native.LibuvInterop;

namespace Testbed.Transports.Native;

internal sealed unsafe partial class NativeLibuv
{
    private static readonly nuint AsyncSize = uv_handle_size(UV_ASYNC);
    private static readonly nuint TimerSize = uv_handle_size(UV_TIMER);

    /// <summary>
    /// Striped locks guarding async handles against send-after-free: <see cref="AsyncSend"/> reads
    /// <c>Native</c> and calls uv_async_send under the stripe's lock, and the close callback clears <c>Native</c>
    /// and frees under the same lock. Stripes (chosen by the wrapper's identity hash) avoid both a lock object per
    /// handle and locking on the engine's public wrapper.
    /// </summary>
    private static readonly Lock[] AsyncGates = CreateGates(64);

    public void Close(UvHandle handle)
    {
        if (handle is UvStreamHandle)
        {
            Recording?.Event(handle.Native, RecordedKind.Close);
        }

        uv_close(handle.Native, &OnCloseCallback);
    }

    public void AsyncInit(UvLoopHandle loop, UvAsyncHandle handle)
    {
        var native = AllocNative(AsyncSize, handle);
        InitOrFree(uv_async_init(loop.Native, native, &OnAsyncCallback), native, "uv_async_init");
        handle.Native = native;
    }

    public void AsyncSend(UvAsyncHandle handle)
    {
        lock (GateOf(handle))
        {
            // Zero once the close callback freed the handle: a late send is then a no-op.
            var native = handle.Native;
            if (native != 0)
            {
                Check(uv_async_send(native), "uv_async_send");
            }
        }
    }

    public void TimerInit(UvLoopHandle loop, UvTimerHandle timer)
    {
        var native = AllocNative(TimerSize, timer);
        InitOrFree(uv_timer_init(loop.Native, native), native, "uv_timer_init");
        timer.Native = native;
    }

    public void TimerStart(UvTimerHandle timer, long timeoutMs, long repeatMs)
    {
        // libuv takes uint64_t: a negative value would become a timeout of centuries.
        ArgumentOutOfRangeException.ThrowIfNegative(timeoutMs);
        ArgumentOutOfRangeException.ThrowIfNegative(repeatMs);
        Check(uv_timer_start(timer.Native, &OnTimerCallback, (ulong)timeoutMs, (ulong)repeatMs), "uv_timer_start");
    }

    public void TimerStop(UvTimerHandle timer) => Check(uv_timer_stop(timer.Native), "uv_timer_stop");

    /// <summary>
    /// A failed uv_*_init leaves the handle unregistered with the loop (it will never get a close callback), so
    /// its memory is freed here before throwing.
    /// </summary>
    private void InitOrFree(int status, nint native, string call)
    {
        if (status < 0)
        {
            FreeNative(native);
            Check(status, call);
        }
    }

    /// <summary>Frees a closed handle; only the close callback calls this, once libuv is done with it.</summary>
    private static void ReleaseHandle(UvHandle handle, nint native)
    {
        if (handle is UvAsyncHandle async)
        {
            lock (GateOf(async))
            {
                async.Native = 0;
                FreeNative(native);
            }

            return;
        }

        handle.Native = 0;
        FreeNative(native);
    }

    private static Lock GateOf(UvAsyncHandle handle) =>
        AsyncGates[RuntimeHelpers.GetHashCode(handle) & (AsyncGates.Length - 1)];

    private static Lock[] CreateGates(int count)
    {
        var gates = new Lock[count];
        for (var i = 0; i < gates.Length; i++)
        {
            gates[i] = new Lock();
        }

        return gates;
    }
}
