using System.Runtime.InteropServices;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Recording;

namespace Testbed.Transports.Native;

/// <summary>
/// The trampolines libuv calls. Each one finds the managed wrapper through the structure's <c>data</c> field
/// and calls into the engine. None may let an exception out: unwinding through libuv's C frames is undefined
/// (in practice the process dies with no useful trace). So each catches, <see cref="Fault"/> records the first
/// exception and stops the loop, and the loop thread rethrows it once uv_run has returned.
/// </summary>
internal sealed unsafe partial class NativeLibuv
{
    [UnmanagedCallersOnly]
    private static void OnCloseCallback(nint native)
    {
        UvHandle? handle = null;
        try
        {
            handle = WrapperOf<UvHandle>(native);
            if (!Faulted)
            {
                handle.OnClosed();
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
        finally
        {
            // libuv is done with the handle whatever the engine did: this is the only place it is freed.
            if (handle is not null)
            {
                Recording?.Closed(native);
                ReleaseHandle(handle, native);
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void OnAsyncCallback(nint native)
    {
        try
        {
            if (!Faulted)
            {
                WrapperOf<UvAsyncHandle>(native).OnAsync();
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnTimerCallback(nint native)
    {
        try
        {
            if (!Faulted)
            {
                WrapperOf<UvTimerHandle>(native).OnTimer();
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnConnectionCallback(nint native, int status)
    {
        try
        {
            if (!Faulted)
            {
                WrapperOf<UvStreamHandle>(native).OnConnection(status);
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnAllocCallback(nint native, nuint suggestedSize, UvBuf* buf)
    {
        // An empty buffer makes libuv report UV_ENOBUFS to the read callback instead of reading.
        buf->Base = 0;
        buf->Len = 0;
        try
        {
            if (!Faulted)
            {
                var buffer = WrapperOf<UvStreamHandle>(native).OnAlloc((int)Math.Min(suggestedSize, int.MaxValue));
                Invariant.Assert(buffer.Length >= 0, "read buffer with a negative length");
                buf->Base = buffer.Pointer;
                buf->Len = (nuint)buffer.Length;
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnReadCallback(nint native, nint nread, UvBuf* buf)
    {
        try
        {
            if (!Faulted)
            {
                // nread is a byte count (0 means EAGAIN: the engine just takes its buffer back) or a negative
                // status such as UV_EOF; either way the buffer from OnAlloc comes back with it.
                var buffer = new UvBuffer(buf->Base, (int)buf->Len);
                // Recorded first: the engine may hand the buffer on (and reuse it) as soon as it has it.
                Recording?.Read(native, nread, buf->Base);
                WrapperOf<UvStreamHandle>(native).OnRead((int)nread, buffer);
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnWriteCallback(nint native, int status) => CompleteRequest(native, status, WriteSize, RecordedKind.WriteDone);

    [UnmanagedCallersOnly]
    private static void OnShutdownCallback(nint native, int status) => CompleteRequest(native, status, ShutdownSize, RecordedKind.ShutdownDone);

    /// <summary>Shared by the request trampolines: free first (the engine may resubmit the wrapper), then notify.</summary>
    private static void CompleteRequest(nint native, int status, nuint size, RecordedKind done)
    {
        try
        {
            var request = WrapperOf<UvRequest>(native);
            var recording = Recording;
            var slot = recording is null ? default : *(RequestSlot*)(native + (nint)size);
            ReleaseRequest(request, native);
            if (!Faulted)
            {
                if (recording is not null)
                {
                    if (done == RecordedKind.WriteDone)
                    {
                        recording.WriteDone(slot.Stream, slot.Write, status);
                    }
                    else
                    {
                        recording.Event(slot.Stream, done, status);
                    }
                }

                request.OnCompleted(status);
            }
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }
}
