using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Recording;
using static Testbed.Transports.Native.LibuvInterop;

namespace Testbed.Transports.Native;

internal sealed unsafe partial class NativeLibuv
{
    private static readonly nuint WriteSize = uv_req_size(UV_WRITE);
    private static readonly nuint ShutdownSize = uv_req_size(UV_SHUTDOWN);

    /// <summary>
    /// Buffers up to this count (the engine's MaxBuffersPerWrite) are described on the stack: 16 bytes each, 4 KB
    /// at most, and uv_write copies the array before it returns. More (no engine write has more) take an array.
    /// </summary>
    private const int StackBuffers = 256;

    public void ReadStart(UvStreamHandle stream) =>
        Check(uv_read_start(stream.Native, &OnAllocCallback, &OnReadCallback), "uv_read_start");

    public void ReadStop(UvStreamHandle stream) => Check(uv_read_stop(stream.Native), "uv_read_stop");

    public void Write(UvWriteReq request, UvStreamHandle stream, ReadOnlySpan<UvBuffer> buffers)
    {
        // uv_write asserts nbufs > 0; an empty write is an engine bug, reported as one instead of an abort.
        ArgumentOutOfRangeException.ThrowIfZero(buffers.Length, nameof(buffers));
        var state = t_loopThread;
        Invariant.Assert(state is not null, "uv_write off a loop thread");
        Span<UvBuf> bufs = buffers.Length <= StackBuffers ? stackalloc UvBuf[buffers.Length] : new UvBuf[buffers.Length];
        for (var i = 0; i < buffers.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(buffers[i].Length, nameof(buffers));
            bufs[i] = new UvBuf { Base = buffers[i].Pointer, Len = (nuint)buffers[i].Length };
        }

        var pool = state.WritePool;
        var native = pool.Rent(request);
        int status;
        fixed (UvBuf* first = bufs)
        {
            status = uv_write(native, stream.Native, first, (uint)bufs.Length, &OnWriteCallback);
        }

        if (status < 0)
        {
            // Refused: no callback will follow, so the block goes back now.
            pool.Return(native);
            Check(status, "uv_write");
        }

        request.Native = native;
        if (state.Recording is { } recording)
        {
            // Once submitted (libuv never calls back from inside uv_write), so a refused write is not recorded.
            *(RequestSlot*)(native + (nint)WriteSize) = new RequestSlot(stream.Native, recording.Write(stream.Native, buffers));
        }
    }

    public long WriteQueueSize(UvStreamHandle stream) => checked((long)uv_stream_get_write_queue_size(stream.Native));

    public void Shutdown(UvShutdownReq request, UvStreamHandle stream)
    {
        var recording = Recording;
        var native = AllocNative(recording is null ? ShutdownSize : ShutdownSize + (nuint)sizeof(RequestSlot), request);
        Submit(request, native, uv_shutdown(native, stream.Native, &OnShutdownCallback), "uv_shutdown");
        if (recording is not null)
        {
            recording.Event(stream.Native, RecordedKind.Shutdown);
            *(RequestSlot*)(native + (nint)ShutdownSize) = new RequestSlot(stream.Native, 0);
        }
    }

    /// <summary>
    /// Recorded requests carry this after libuv's structure: the connection's <c>uv_tcp_t*</c> and the write's
    /// number, which the completion callback needs and libuv does not keep for us.
    /// </summary>
    private readonly record struct RequestSlot(nint Stream, int Write);

    /// <summary>
    /// Records a submitted shutdown, or frees it and throws when libuv refused it (no callback will follow).
    /// A shutdown's memory lives for one submission: allocated here, freed by its completion callback. (Writes
    /// rent theirs from the loop's <see cref="WriteRequestPool"/>.)
    /// </summary>
    private void Submit(UvRequest request, nint native, int status, string call)
    {
        if (status < 0)
        {
            FreeNative(native);
            Check(status, call);
        }

        request.Native = native;
    }

    /// <summary>
    /// Frees a completed request (a write's block goes back to its loop's pool) before the engine sees the
    /// completion, so it may resubmit at once.
    /// </summary>
    private static void ReleaseRequest(UvRequest request, nint native)
    {
        request.Native = 0;
        if (request is UvWriteReq && t_loopThread is { } state)
        {
            state.WritePool.Return(native);
            return;
        }

        FreeNative(native);
    }
}
