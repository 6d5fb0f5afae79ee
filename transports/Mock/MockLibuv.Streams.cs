using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock;

/// <summary>Reads, writes and shutdowns on accepted connections.</summary>
public sealed partial class MockLibuv
{
    public void ReadStart(UvStreamHandle stream)
    {
        var socket = SocketOf(stream, "uv_read_start");
        Trace.Add($"uv.read_start {Id(stream)}");
        if (socket.ServerReading)
        {
            throw Refuse(LibuvMisuse.ReadStartTwice, "uv_read_start", $"{Id(stream)} is already reading", UvErrors.EALREADY);
        }

        if (socket.ReadSideEnded)
        {
            throw Refuse(LibuvMisuse.ReadStartAfterEnd, "uv_read_start", $"{Id(stream)} already read EOF or an error", UvErrors.ENOTCONN);
        }

        socket.StartReading();
    }

    public void ReadStop(UvStreamHandle stream)
    {
        var socket = SocketOf(stream, "uv_read_stop");
        Trace.Add($"uv.read_stop {Id(stream)}");
        socket.StopReading();
    }

    public void Write(UvWriteReq request, UvStreamHandle stream, ReadOnlySpan<UvBuffer> buffers)
    {
        var socket = SocketOf(stream, "uv_write");
        if (buffers.Length == 0)
        {
            _simulation.Misuse(LibuvMisuse.WriteWithoutBuffers, "uv_write", $"a write to {Id(stream)} with no buffers");
            throw new SimulationException("uv_write with no buffers (libuv asserts nbufs > 0)");
        }

        if (socket.ShutdownRequested)
        {
            // uv_shutdown clears UV_HANDLE_WRITABLE at once, so libuv refuses writes from then on, not only after the FIN.
            Trace.Add($"uv.write {Id(stream)} status=EPIPE");
            throw Refuse(LibuvMisuse.WriteAfterShutdown, "uv_write", $"a write to {Id(stream)} after its uv_shutdown", UvStatus.EPIPE);
        }

        var write = socket.Submit(request, buffers);
        request.Native = 1;
        Trace.Add($"uv.write {Trace.Id(request, "w")} {Id(stream)} bufs={buffers.Length} bytes={write.Length}");
    }

    public long WriteQueueSize(UvStreamHandle stream)
    {
        var queued = SocketOf(stream, "uv_stream_get_write_queue_size").QueuedBytes;
        Trace.Add($"uv.write_queue_size {Id(stream)} bytes={queued}");
        return queued;
    }

    public void Shutdown(UvShutdownReq request, UvStreamHandle stream)
    {
        var socket = SocketOf(stream, "uv_shutdown");
        Trace.Add($"uv.shutdown {Trace.Id(request, "s")} {Id(stream)}");
        var status = socket.Shutdown(request);
        _simulation.Notify(ObserverCall.ShutdownCalled, static (o, a) => o.ShutdownCalled(a.Socket, a.Status), (Socket: socket, Status: status));
        if (status < 0)
        {
            throw Refuse(LibuvMisuse.ShutdownTwice, "uv_shutdown", $"a second uv_shutdown on {Id(stream)}", status);
        }

        request.Native = 1;
    }

    private SimConnection SocketOf(UvStreamHandle stream, string call)
    {
        var state = State<TcpState>(stream, call);
        if (state.Closing)
        {
            _simulation.Misuse(LibuvMisuse.CallOnClosedHandle, call, $"{call} on {Id(stream)}, which is closing");
            throw new SimulationException(call + " on a closing handle");
        }

        return state.Socket ?? throw Error(call, UvErrors.ENOTCONN);
    }

    /// <summary>Reports a misuse libuv answers with an error, and returns that error to throw.</summary>
    private UvException Refuse(LibuvMisuse kind, string call, string detail, int status)
    {
        _simulation.Misuse(kind, call, detail);
        return Error(call, status);
    }
}
