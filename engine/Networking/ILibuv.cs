using System.Net;

namespace Testbed.Engine.Networking;

/// <summary>
/// Every libuv call the engine makes. Two implementations exist: the native one P/Invokes libuv.so.1,
/// the mock one replays a deterministic schedule. The engine never knows which it runs on.
/// </summary>
/// <remarks>
/// Calls return nothing on success and throw <see cref="UvException"/> on a negative libuv status.
/// Completions are delivered by calling back into the handle wrappers (<see cref="UvStreamHandle.OnRead"/>,
/// <see cref="UvRequest.OnCompleted"/> and so on) on the loop's thread, with libuv status codes
/// (0 for success, a negative errno otherwise; <see cref="UvStatus.EOF"/> ends a stream).
/// Every call except <see cref="AsyncSend"/> must be made on the loop's thread; the wrappers assert it.
/// </remarks>
public interface ILibuv
{
    /// <summary>Initialises a loop, binds it to the calling thread, and records it on <paramref name="loop"/>.</summary>
    void LoopInit(UvLoopHandle loop);

    /// <summary>Closes an initialised loop; throws EBUSY while any handle on it is still open.</summary>
    void LoopClose(UvLoopHandle loop);

    /// <summary>Makes <c>uv_run</c> return after the current iteration.</summary>
    void Stop(UvLoopHandle loop);

    /// <summary>The loop's cached time in milliseconds (<c>uv_now</c>).</summary>
    long Now(UvLoopHandle loop);

    /// <summary>
    /// Starts the thread that owns <paramref name="loop"/>: it runs <paramref name="setup"/> (which calls
    /// <see cref="LoopInit"/> and creates the loop's handles), then <c>uv_run</c> until the loop is stopped
    /// or has nothing left to do, then <paramref name="teardown"/>. Native: a dedicated OS thread.
    /// Mock: the single simulation thread, interleaving all loops.
    /// </summary>
    void StartLoopThread(string name, UvLoopHandle loop, Action setup, Action teardown);

    /// <summary>Starts closing a handle; <see cref="UvHandle.OnClosed"/> follows on a later loop iteration.</summary>
    void Close(UvHandle handle);

    void AsyncInit(UvLoopHandle loop, UvAsyncHandle handle);

    /// <summary>Wakes the loop; safe from any thread. Several sends may coalesce into one callback.</summary>
    void AsyncSend(UvAsyncHandle handle);

    void TimerInit(UvLoopHandle loop, UvTimerHandle timer);
    void TimerStart(UvTimerHandle timer, long timeoutMs, long repeatMs);
    void TimerStop(UvTimerHandle timer);

    void TcpInit(UvLoopHandle loop, UvTcpHandle tcp);

    /// <summary>
    /// Binds <paramref name="tcp"/>. With <see cref="PortSharing.FirstOfGroup"/> and <see cref="PortSharing.JoinGroup"/>
    /// several loops each bind their own listen socket to the same endpoint and the kernel spreads connections
    /// among them (SO_REUSEPORT); the first bind still fails with EADDRINUSE when another socket holds the port.
    /// </summary>
    void TcpBind(UvTcpHandle tcp, IPEndPoint endPoint, PortSharing sharing);

    void TcpNoDelay(UvTcpHandle tcp, bool enable);
    IPEndPoint TcpGetSockName(UvTcpHandle tcp);
    IPEndPoint TcpGetPeerName(UvTcpHandle tcp);

    /// <summary>Listens; each incoming connection calls <see cref="UvStreamHandle.OnConnection"/>.</summary>
    void Listen(UvStreamHandle server, int backlog);

    void Accept(UvStreamHandle server, UvStreamHandle client);

    /// <summary>Starts reading: <see cref="UvStreamHandle.OnAlloc"/> then <see cref="UvStreamHandle.OnRead"/> per read.</summary>
    void ReadStart(UvStreamHandle stream);

    void ReadStop(UvStreamHandle stream);

    /// <summary>
    /// Queues one write of several buffers. The buffers must stay valid until <see cref="UvRequest.OnCompleted"/>.
    /// </summary>
    void Write(UvWriteReq request, UvStreamHandle stream, ReadOnlySpan<UvBuffer> buffers);

    /// <summary>
    /// Bytes of queued writes that libuv has not yet handed to the kernel (<c>uv_stream_get_write_queue_size</c>):
    /// more than 0 only while the kernel refuses more, that is while the peer is not keeping up.
    /// </summary>
    long WriteQueueSize(UvStreamHandle stream);

    /// <summary>Shuts the send side down after queued writes; <see cref="UvRequest.OnCompleted"/> follows.</summary>
    void Shutdown(UvShutdownReq request, UvStreamHandle stream);

    /// <summary>The libuv error name for a status, such as <c>ECONNRESET</c>.</summary>
    string ErrName(int status);

    /// <summary>The libuv error message for a status.</summary>
    string StrError(int status);
}
