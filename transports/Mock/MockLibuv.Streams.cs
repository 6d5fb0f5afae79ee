using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Transports.Mock;

/// <summary>Reads, writes and shutdowns on accepted connections.</summary>
public sealed partial class MockLibuv
{
    public void ReadStart(UvStreamHandle stream)
    {
        var socket = SocketOf(stream, "uv_read_start");
        Trace.Add($"uv.read_start {Id(stream)}");
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
        Simulation.Check(buffers.Length > 0, "uv_write with no buffers (libuv asserts nbufs > 0)");
        if (socket.ShutdownRequested)
        {
            // uv_shutdown clears UV_HANDLE_WRITABLE at once, so libuv refuses writes from then on, not only after the FIN.
            Trace.Add($"uv.write {Id(stream)} status=EPIPE");
            throw Error("uv_write", UvStatus.EPIPE);
        }

        var write = socket.Submit(request, buffers);
        request.Native = 1;
        Trace.Add($"uv.write {Trace.Id(request, "w")} {Id(stream)} bufs={buffers.Length} bytes={write.Length}");
    }

    public void Shutdown(UvShutdownReq request, UvStreamHandle stream)
    {
        var socket = SocketOf(stream, "uv_shutdown");
        Trace.Add($"uv.shutdown {Trace.Id(request, "s")} {Id(stream)}");
        request.Native = 1;
        socket.Shutdown(request);
    }

    private SimConnection SocketOf(UvStreamHandle stream, string call)
    {
        var state = State<TcpState>(stream);
        Simulation.Check(!state.Closing, call + " on a closing handle");
        return state.Socket ?? throw Error(call, UvErrors.ENOTCONN);
    }
}
