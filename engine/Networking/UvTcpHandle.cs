using System.Net;

namespace Testbed.Engine.Networking;

/// <summary>A <c>uv_tcp_t</c>: a listen socket or one connection.</summary>
public sealed class UvTcpHandle : UvStreamHandle
{
    public UvTcpHandle(UvLoopHandle loop)
        : base(loop)
    {
        loop.AssertOnLoopThread();
        Uv.TcpInit(loop, this);
    }

    public void Bind(IPEndPoint endPoint, PortSharing sharing)
    {
        AssertUsable();
        Uv.TcpBind(this, endPoint, sharing);
    }

    public void NoDelay(bool enable)
    {
        AssertUsable();
        Uv.TcpNoDelay(this, enable);
    }

    public IPEndPoint GetSockName()
    {
        AssertUsable();
        return Uv.TcpGetSockName(this);
    }

    public IPEndPoint GetPeerName()
    {
        AssertUsable();
        return Uv.TcpGetPeerName(this);
    }
}
