using System.Runtime.InteropServices;

namespace Testbed.Transports.Native;

/// <summary>libuv's <c>uv_buf_t</c> on Unix: <c>{ char* base; size_t len; }</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UvBuf
{
    public nint Base;
    public nuint Len;
}

/// <summary>
/// The libuv 1.44 entry points the transport uses. Pointers to libuv structures are <c>nint</c>; the callbacks are
/// <c>[UnmanagedCallersOnly]</c> function pointers, so there is no delegate for the GC to collect under libuv.
/// </summary>
internal static unsafe partial class LibuvInterop
{
    private const string Lib = "libuv.so.1";

    // enum uv_handle_type / uv_req_type (libuv 1.44 uv.h; checked against uv_handle_type_name in the specs).
    public const int UV_ASYNC = 1;
    public const int UV_TCP = 12;
    public const int UV_TIMER = 13;
    public const int UV_WRITE = 3;
    public const int UV_SHUTDOWN = 4;

    // enum uv_run_mode.
    public const int UV_RUN_DEFAULT = 0;
    public const int UV_RUN_NOWAIT = 2;

    [LibraryImport(Lib)] public static partial nuint uv_loop_size();
    [LibraryImport(Lib)] public static partial nuint uv_handle_size(int type);
    [LibraryImport(Lib)] public static partial nuint uv_req_size(int type);

    [LibraryImport(Lib)] public static partial int uv_loop_init(nint loop);
    [LibraryImport(Lib)] public static partial int uv_loop_close(nint loop);
    [LibraryImport(Lib)] public static partial int uv_run(nint loop, int mode);
    [LibraryImport(Lib)] public static partial void uv_stop(nint loop);
    [LibraryImport(Lib)] public static partial ulong uv_now(nint loop);

    [LibraryImport(Lib)] public static partial void uv_close(nint handle, delegate* unmanaged<nint, void> closeCb);

    [LibraryImport(Lib)] public static partial int uv_async_init(nint loop, nint async, delegate* unmanaged<nint, void> asyncCb);
    [LibraryImport(Lib)] public static partial int uv_async_send(nint async);

    [LibraryImport(Lib)] public static partial int uv_timer_init(nint loop, nint timer);
    [LibraryImport(Lib)] public static partial int uv_timer_start(nint timer, delegate* unmanaged<nint, void> cb, ulong timeout, ulong repeat);
    [LibraryImport(Lib)] public static partial int uv_timer_stop(nint timer);

    [LibraryImport(Lib)] public static partial int uv_tcp_init(nint loop, nint tcp);
    [LibraryImport(Lib)] public static partial int uv_tcp_open(nint tcp, int sock);
    [LibraryImport(Lib)] public static partial int uv_tcp_bind(nint tcp, byte* addr, uint flags);
    [LibraryImport(Lib)] public static partial int uv_tcp_nodelay(nint tcp, int enable);
    [LibraryImport(Lib)] public static partial int uv_tcp_getsockname(nint tcp, byte* name, int* namelen);
    [LibraryImport(Lib)] public static partial int uv_tcp_getpeername(nint tcp, byte* name, int* namelen);

    [LibraryImport(Lib)] public static partial int uv_listen(nint stream, int backlog, delegate* unmanaged<nint, int, void> cb);
    [LibraryImport(Lib)] public static partial int uv_accept(nint server, nint client);
    [LibraryImport(Lib)] public static partial int uv_fileno(nint handle, int* fd);

    [LibraryImport(Lib)]
    public static partial int uv_read_start(
        nint stream, delegate* unmanaged<nint, nuint, UvBuf*, void> allocCb, delegate* unmanaged<nint, nint, UvBuf*, void> readCb);

    [LibraryImport(Lib)] public static partial int uv_read_stop(nint stream);

    [LibraryImport(Lib)]
    public static partial int uv_write(nint req, nint stream, UvBuf* bufs, uint nbufs, delegate* unmanaged<nint, int, void> cb);

    [LibraryImport(Lib)] public static partial nuint uv_stream_get_write_queue_size(nint stream);

    [LibraryImport(Lib)] public static partial int uv_shutdown(nint req, nint stream, delegate* unmanaged<nint, int, void> cb);

    // The _r variants write into our buffer; uv_err_name leaks a malloc'd string for unknown codes.
    [LibraryImport(Lib)] public static partial byte* uv_err_name_r(int err, byte* buf, nuint buflen);
    [LibraryImport(Lib)] public static partial byte* uv_strerror_r(int err, byte* buf, nuint buflen);

    // Accessors used by the specs to check the layout assumptions (data is the first field) and the enum values.
    [LibraryImport(Lib)] public static partial nint uv_handle_get_data(nint handle);
    [LibraryImport(Lib)] public static partial nint uv_req_get_data(nint req);
    [LibraryImport(Lib)] public static partial nint uv_loop_get_data(nint loop);
    [LibraryImport(Lib)] public static partial int uv_handle_get_type(nint handle);
    [LibraryImport(Lib)] public static partial int uv_req_get_type(nint req);
    [LibraryImport(Lib)] public static partial byte* uv_handle_type_name(int type);
    [LibraryImport(Lib)] public static partial byte* uv_req_type_name(int type);
}

/// <summary>The libc calls needed to create a SO_REUSEPORT socket (libuv 1.44 cannot) and to probe a port.</summary>
internal static unsafe partial class LibcInterop
{
    private const string Lib = "libc.so.6";

    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEADDR = 2;
    public const int SO_REUSEPORT = 15;
    public const int RLIMIT_NOFILE = 7;

    /// <summary><c>struct rlimit</c> on 64-bit Linux.</summary>
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport(Lib, SetLastError = true)] public static partial int socket(int domain, int type, int protocol);
    [LibraryImport(Lib, SetLastError = true)] public static partial int setsockopt(int fd, int level, int name, void* value, uint len);
    [LibraryImport(Lib, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int bind(int fd, byte* address, uint length);
    [LibraryImport(Lib, SetLastError = true)] public static partial int getsockname(int fd, byte* address, uint* length);
    [LibraryImport(Lib, SetLastError = true)] public static partial int getrlimit(int resource, RLimit* limit);
}
