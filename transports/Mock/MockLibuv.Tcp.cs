using System.Net;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Mock.Observation;

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
        var state = State<TcpState>(tcp, "uv_tcp_bind");
        Trace.Add($"uv.tcp_bind {Id(tcp)} sharing={sharing}");
        state.BoundPort = _simulation.Network.Bind(state, endPoint, sharing);
    }

    public void TcpNoDelay(UvTcpHandle tcp, bool enable)
    {
        State<TcpState>(tcp, "uv_tcp_nodelay");
        Trace.Add($"uv.tcp_nodelay {Id(tcp)} {enable}");
    }

    public IPEndPoint TcpGetSockName(UvTcpHandle tcp)
    {
        var state = State<TcpState>(tcp, "uv_tcp_getsockname");
        Trace.Add($"uv.tcp_getsockname {Id(tcp)}");
        var port = state.BoundPort ?? state.Socket?.LocalPort ?? 0;
        return new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint TcpGetPeerName(UvTcpHandle tcp)
    {
        var socket = State<TcpState>(tcp, "uv_tcp_getpeername").Socket ?? throw Error("uv_tcp_getpeername", UvErrors.ENOTCONN);
        Trace.Add($"uv.tcp_getpeername {Id(tcp)} {socket.Name}");
        return new IPEndPoint(IPAddress.Loopback, socket.PeerPort);
    }

    public void Listen(UvStreamHandle server, int backlog)
    {
        var state = State<TcpState>(server, "uv_listen");
        Simulation.Check(state.BoundPort is not null, "uv_listen on an unbound handle");
        Trace.Add($"uv.listen {Id(server)} backlog={backlog}");
        state.Listener = _simulation.Network.Listen(state, state.BoundPort!.Value);
    }

    public void Accept(UvStreamHandle server, UvStreamHandle client)
    {
        var listener = State<TcpState>(server, "uv_accept").Listener;
        var accepted = State<TcpState>(client, "uv_accept");
        if (listener is null || listener.Backlog.Count == 0 || listener.Backlog.Peek().PendingAcceptErrors > 0)
        {
            Trace.Add($"uv.accept {Id(server)} {Id(client)} status=EAGAIN");
            throw Refuse(LibuvMisuse.AcceptWithoutConnection, "uv_accept", $"uv_accept on {Id(server)} with no connection pending", UvErrors.EAGAIN);
        }

        var connection = listener.Backlog.Dequeue();
        accepted.Socket = connection;
        _simulation.Network.Accepted();
        connection.Server = accepted;
        Trace.Add($"uv.accept {Id(server)} {Id(client)} {connection.Name}");
        _simulation.Notify(ObserverCall.Accepted, static (o, c) => o.Accepted(c), connection);
    }

    /// <summary>
    /// A client reached <paramref name="listener"/>: libuv's connection callback, if it still listens. An injected
    /// accept error reaches the callback as its status first; the connection stays in the backlog, and since the
    /// listen socket is still readable, libuv calls back again on a later turn.
    /// </summary>
    internal void Incoming(MockListener listener)
    {
        if (listener.Handle.Closing || listener.Backlog.Count == 0)
        {
            return;
        }

        var handle = (UvStreamHandle)listener.Handle.Handle;
        var next = listener.Backlog.Peek();
        if (_simulation.Network.OutOfSockets)
        {
            // libuv's accept(2) fails and it calls back with the error; it keeps doing so while the listen socket is
            // readable, which the engine must end (by closing it). Here the next try comes on a later turn.
            Trace.Add($"cb.connection {Id(handle)} status=EMFILE");
            NotifyCallback(handle, "connection");
            handle.OnConnection(UvErrors.EMFILE);
            _simulation.Enqueue(next.NetworkChoices.Between("accept.retry", (100, 2_000)), EventKind.Io, _ => Incoming(listener), null);
            return;
        }

        if (next.PendingAcceptErrors > 0)
        {
            next.PendingAcceptErrors--;
            var error = next.FaultChoices.Pick("accept.error_status", UvErrors.AcceptErrors);
            Trace.Add($"cb.connection {Id(handle)} status={ErrName(error)}");
            _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.AcceptFailed, c), next);
            NotifyCallback(handle, "connection");
            handle.OnConnection(error);
            _simulation.Enqueue(next.NetworkChoices.Between("accept.retry", (100, 2_000)), EventKind.Io, _ => Incoming(listener), null);
            return;
        }

        Trace.Add($"cb.connection {Id(handle)} status=0");
        NotifyCallback(handle, "connection");
        handle.OnConnection(0);
    }
}
