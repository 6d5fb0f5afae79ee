using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Networking;

/// <summary>
/// Base of libuv request wrappers (<c>uv_write_t</c>, <c>uv_shutdown_t</c>). A request is in flight at most
/// once at a time and its callback runs exactly once per submission.
/// </summary>
public abstract class UvRequest
{
    private Action<UvRequest, int>? _callback;

    protected UvRequest(UvLoopHandle loop)
    {
        Loop = loop;
    }

    public UvLoopHandle Loop { get; }

    public ILibuv Uv => Loop.Uv;

    /// <summary>The transport's identity for the request while in flight (native: the <c>uv_req_t*</c>).</summary>
    public nint Native { get; set; }

    public bool InFlight => _callback is not null;

    protected void Begin(Action<UvRequest, int> callback)
    {
        Loop.AssertOnLoopThread();
        Invariant.Assert(_callback is null, "request submitted twice");
        _callback = callback;
    }

    /// <summary>Undoes <see cref="Begin"/> when the submitting call threw, so nothing waits for a callback.</summary>
    protected void Abandon() => _callback = null;

    /// <summary>Called by the transport when libuv completes the request.</summary>
    public void OnCompleted(int status)
    {
        Loop.AssertOnLoopThread();
        var callback = _callback;
        Invariant.Assert(callback is not null, "request completed twice");
        _callback = null;
        callback(this, status);
    }
}

/// <summary>A <c>uv_write_t</c>: one multi-buffer write.</summary>
public sealed class UvWriteReq(UvLoopHandle loop) : UvRequest(loop)
{
    public void Write(UvStreamHandle stream, ReadOnlySpan<UvBuffer> buffers, Action<UvRequest, int> callback)
    {
        Invariant.Assert(!stream.IsClosing, "write on a closing stream");
        Begin(callback);
        try
        {
            Uv.Write(this, stream, buffers);
        }
        catch
        {
            Abandon();
            throw;
        }
    }
}

/// <summary>A <c>uv_shutdown_t</c>: half-close the send side after queued writes.</summary>
public sealed class UvShutdownReq(UvLoopHandle loop) : UvRequest(loop)
{
    public void Shutdown(UvStreamHandle stream, Action<UvRequest, int> callback)
    {
        Invariant.Assert(!stream.IsClosing, "shutdown on a closing stream");
        Begin(callback);
        try
        {
            Uv.Shutdown(this, stream);
        }
        catch
        {
            Abandon();
            throw;
        }
    }
}
