using System.Net;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Transports.Mock;

/// <summary>TCP handles: bind, listen and accept against the simulated network.</summary>
public sealed partial class MockLibuv
{
    public void TcpInit(UvLoopHandle loop, UvTcpHandle tcp)
    {
        Register(tcp, new TcpState(tcp, LoopOf(loop)));
        Trace.Add($"uv.tcp_init {Id(loop)} {Id(tcp)}");
    }

    public void TcpBind(UvTcpHandle tcp, IPEndPoint endPoint, PortSharing sharing)
    {
        var state = State<TcpState>(tcp);
        Trace.Add($"uv.tcp_bind {Id(tcp)} sharing={sharing}");
        state.BoundPort = _simulation.Network.Bind(state, endPoint, sharing);
    }

    public void TcpNoDelay(UvTcpHandle tcp, bool enable)
    {
        State<TcpState>(tcp);
        Trace.Add($"uv.tcp_nodelay {Id(tcp)} {enable}");
    }

    public IPEndPoint TcpGetSockName(UvTcpHandle tcp)
    {
        var state = State<TcpState>(tcp);
        Trace.Add($"uv.tcp_getsockname {Id(tcp)}");
        var port = state.BoundPort ?? state.Socket?.LocalPort ?? 0;
        return new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint TcpGetPeerName(UvTcpHandle tcp)
    {
        var socket = State<TcpState>(tcp).Socket ?? throw Error("uv_tcp_getpeername", UvErrors.ENOTCONN);
        Trace.Add($"uv.tcp_getpeername {Id(tcp)} {socket.Name}");
        return new IPEndPoint(IPAddress.Loopback, socket.PeerPort);
    }

    public void Listen(UvStreamHandle server, int backlog)
    {
        var state = State<TcpState>(server);
        Simulation.Check(state.BoundPort is not null, "uv_listen on an unbound handle");
        Trace.Add($"uv.listen {Id(server)} backlog={backlog}");
        state.Listener = _simulation.Network.Listen(state, state.BoundPort!.Value);
    }

    public void Accept(UvStreamHandle server, UvStreamHandle client)
    {
        var listener = State<TcpState>(server).Listener;
        var accepted = State<TcpState>(client);
        if (listener is null || !listener.Backlog.TryDequeue(out var connection))
        {
            Trace.Add($"uv.accept {Id(server)} {Id(client)} status=EAGAIN");
            throw Error("uv_accept", UvErrors.EAGAIN);
        }

        accepted.Socket = connection;
        connection.Server = accepted;
        Trace.Add($"uv.accept {Id(server)} {Id(client)} {connection.Name}");
    }

    /// <summary>A client reached <paramref name="listener"/>: libuv's connection callback, if it still listens.</summary>
    internal void Incoming(MockListener listener)
    {
        if (listener.Handle.Closing || listener.Backlog.Count == 0)
        {
            return;
        }

        Trace.Add($"cb.connection {Id(listener.Handle.Handle)} status=0");
        ((UvStreamHandle)listener.Handle.Handle).OnConnection(0);
    }
}
