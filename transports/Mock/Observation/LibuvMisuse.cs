namespace Testbed.Transports.Mock.Observation;

/// <summary>
/// Ways of using libuv that real libuv refuses with an error or does not survive. The mock reports each to its
/// observers, then answers as libuv would: the error status, or (where libuv would crash or corrupt) a stopped run.
/// </summary>
public enum LibuvMisuse
{
    /// <summary>A call on a handle that is closing or closed (libuv: undefined behaviour).</summary>
    CallOnClosedHandle,

    /// <summary><c>uv_close</c> on a handle already closing (libuv asserts).</summary>
    CloseTwice,

    /// <summary>A second <c>uv_shutdown</c> on a stream (libuv: ENOTCONN).</summary>
    ShutdownTwice,

    /// <summary><c>uv_write</c> after <c>uv_shutdown</c> (libuv: EPIPE, the stream is no longer writable).</summary>
    WriteAfterShutdown,

    /// <summary><c>uv_write</c> with no buffers (libuv asserts nbufs &gt; 0).</summary>
    WriteWithoutBuffers,

    /// <summary>A write's buffers changed before its callback; libuv may read them any time until then.</summary>
    BuffersChangedInFlight,

    /// <summary><c>uv_read_start</c> while already reading (libuv: EALREADY).</summary>
    ReadStartTwice,

    /// <summary><c>uv_read_start</c> after the read side ended with EOF or an error (libuv: ENOTCONN).</summary>
    ReadStartAfterEnd,

    /// <summary><c>uv_accept</c> with no connection pending (libuv: EAGAIN).</summary>
    AcceptWithoutConnection,

    /// <summary><c>uv_loop_close</c> while handles are open (libuv: EBUSY).</summary>
    LoopCloseBusy,
}
