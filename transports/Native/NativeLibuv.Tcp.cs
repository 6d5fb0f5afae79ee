using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Testbed.Engine.Networking;
using static Testbed.Transports.Native.LibuvInterop;

namespace Testbed.Transports.Native;

internal sealed unsafe partial class NativeLibuv
{
    private static readonly nuint TcpSize = uv_handle_size(UV_TCP);

    public void TcpInit(UvLoopHandle loop, UvTcpHandle tcp)
    {
        var native = AllocNative(TcpSize, tcp);
        InitOrFree(uv_tcp_init(loop.Native, native), native, "uv_tcp_init");
        tcp.Native = native;
    }

    public void TcpBind(UvTcpHandle tcp, IPEndPoint endPoint, PortSharing sharing)
    {
        if (sharing == PortSharing.FirstOfGroup)
        {
            endPoint = ProbeExclusive(endPoint);
        }

        var address = stackalloc byte[SockAddr.StorageSize];
        SockAddr.Write(endPoint, address);
        if (sharing != PortSharing.Exclusive)
        {
            OpenReusePortSocket(tcp, endPoint.AddressFamily);
        }

        Check(uv_tcp_bind(tcp.Native, address, 0), "uv_tcp_bind");
        ThrowIfBindDeferred(tcp);
    }

    public void TcpNoDelay(UvTcpHandle tcp, bool enable) =>
        Check(uv_tcp_nodelay(tcp.Native, enable ? 1 : 0), "uv_tcp_nodelay");

    public IPEndPoint TcpGetSockName(UvTcpHandle tcp)
    {
        var address = stackalloc byte[SockAddr.StorageSize];
        var length = SockAddr.StorageSize;
        Check(uv_tcp_getsockname(tcp.Native, address, &length), "uv_tcp_getsockname");
        return SockAddr.Read(address, length);
    }

    public IPEndPoint TcpGetPeerName(UvTcpHandle tcp)
    {
        var address = stackalloc byte[SockAddr.StorageSize];
        var length = SockAddr.StorageSize;
        Check(uv_tcp_getpeername(tcp.Native, address, &length), "uv_tcp_getpeername");
        return SockAddr.Read(address, length);
    }

    public void Listen(UvStreamHandle server, int backlog) =>
        Check(uv_listen(server.Native, backlog, &OnConnectionCallback), "uv_listen");

    /// <summary>Descriptors under the open-files limit that connections never take; see <see cref="ThrowIfInHeadroom"/>.</summary>
    private const ulong DescriptorHeadroom = 32;

    /// <summary>RLIMIT_NOFILE as last read (0: not yet), shared by the loop threads.</summary>
    private ulong _descriptorLimit;

    public void Accept(UvStreamHandle server, UvStreamHandle client)
    {
        Check(uv_accept(server.Native, client.Native), "uv_accept");
        ThrowIfInHeadroom(client);
        Recording?.Accepted(client);
    }

    /// <summary>
    /// The top <see cref="DescriptorHeadroom"/> descriptors below RLIMIT_NOFILE are never a connection's: an accept
    /// that lands there fails as EMFILE (the caller closes the socket), so the listener pauses while the runtime
    /// can still open what it needs. It must: .NET cannot start a thread without two free descriptors, and a
    /// thread pool that fails to add a worker ends the process ("Out of memory.", exit 134). The kernel hands out
    /// the lowest free descriptor, so one at or above the line means every one below it is taken.
    /// </summary>
    private void ThrowIfInHeadroom(UvStreamHandle client)
    {
        int fd;
        if (uv_fileno(client.Native, &fd) != 0)
        {
            return;
        }

        // An accept far below the limit last read costs no system call; near it the limit is read again, so one
        // raised while running (prlimit) is seen there. (One lowered below the line is seen once the line is reached.)
        if ((ulong)fd + DescriptorHeadroom < Volatile.Read(ref _descriptorLimit))
        {
            return;
        }

        LibcInterop.RLimit limit;
        var current = LibcInterop.getrlimit(LibcInterop.RLIMIT_NOFILE, &limit) == 0 ? limit.Current : ulong.MaxValue;
        Volatile.Write(ref _descriptorLimit, current);
        if ((ulong)fd + DescriptorHeadroom >= current)
        {
            throw new UvException("uv_accept", UvStatus.EMFILE, ErrName(UvStatus.EMFILE), $"descriptor {fd} is in the {DescriptorHeadroom} kept below the limit of {current}");
        }
    }

    /// <summary>
    /// libuv 1.44 has no UV_TCP_REUSEPORT, so the socket is created here with SO_REUSEPORT and handed to libuv;
    /// uv_tcp_bind then binds it (adding SO_REUSEADDR as it always does). Each loop gets its own listen socket
    /// and the kernel spreads incoming connections among them.
    /// </summary>
    private void OpenReusePortSocket(UvTcpHandle tcp, AddressFamily family)
    {
        var domain = family == AddressFamily.InterNetworkV6 ? LibcInterop.AF_INET6 : LibcInterop.AF_INET;
        var fd = LibcInterop.socket(domain, LibcInterop.SOCK_STREAM | LibcInterop.SOCK_NONBLOCK | LibcInterop.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            Check(-Marshal.GetLastPInvokeError(), "socket");
        }

        var one = 1;
        if (LibcInterop.setsockopt(fd, LibcInterop.SOL_SOCKET, LibcInterop.SO_REUSEPORT, &one, sizeof(int)) < 0)
        {
            var error = -Marshal.GetLastPInvokeError();
            LibcInterop.close(fd);
            Check(error, "setsockopt(SO_REUSEPORT)");
        }

        var status = uv_tcp_open(tcp.Native, fd);
        if (status < 0)
        {
            // Until uv_tcp_open succeeds the descriptor is ours; afterwards closing the handle closes it.
            LibcInterop.close(fd);
            Check(status, "uv_tcp_open");
        }
    }

    /// <summary>
    /// SO_REUSEPORT lets any socket of the same user join a port, so a second server would silently split the
    /// connections with this one. Binding a plain socket first (with SO_REUSEADDR, as libuv does, so TIME_WAIT
    /// leftovers do not count) proves no one listens there; it also resolves port 0 for the whole group.
    /// </summary>
    private IPEndPoint ProbeExclusive(IPEndPoint endPoint)
    {
        var domain = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? LibcInterop.AF_INET6 : LibcInterop.AF_INET;
        var fd = LibcInterop.socket(domain, LibcInterop.SOCK_STREAM | LibcInterop.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            Check(-Marshal.GetLastPInvokeError(), "socket");
        }

        try
        {
            var one = 1;
            var address = stackalloc byte[SockAddr.StorageSize];
            SockAddr.Write(endPoint, address);
            var length = (uint)SockAddr.StorageSize;
            if (LibcInterop.setsockopt(fd, LibcInterop.SOL_SOCKET, LibcInterop.SO_REUSEADDR, &one, sizeof(int)) < 0
                || LibcInterop.bind(fd, address, SockAddr.LengthOf(endPoint)) < 0
                || LibcInterop.getsockname(fd, address, &length) < 0)
            {
                Check(-Marshal.GetLastPInvokeError(), "uv_tcp_bind");
            }

            return SockAddr.Read(address, (int)length);
        }
        finally
        {
            LibcInterop.close(fd);
        }
    }

    /// <summary>
    /// uv_tcp_bind does not report EADDRINUSE: it stores it as the handle's delayed error, which uv_listen
    /// returns later. The engine binds and listens separately and wants the error at the bind. libuv's
    /// uv_tcp_getsockname returns the delayed error first, so it is asked here and its answer blamed on the bind.
    /// </summary>
    private void ThrowIfBindDeferred(UvTcpHandle tcp)
    {
        var address = stackalloc byte[SockAddr.StorageSize];
        var length = SockAddr.StorageSize;
        Check(uv_tcp_getsockname(tcp.Native, address, &length), "uv_tcp_bind");
    }
}
