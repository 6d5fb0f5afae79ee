using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Networking;

/// <summary>
/// Base of every libuv handle wrapper. It binds the handle to its loop's thread, asserts every call is made
/// there, and makes closing happen exactly once.
/// </summary>
public abstract class UvHandle
{
    private Action<UvHandle>? _onClosed;

    protected UvHandle(UvLoopHandle loop)
    {
        Loop = loop;
    }

    public UvLoopHandle Loop { get; }

    public ILibuv Uv => Loop.Uv;

    /// <summary>The transport's identity for the handle (native: the <c>uv_handle_t*</c>).</summary>
    public nint Native { get; set; }

    public bool IsClosing { get; private set; }

    public bool IsClosed { get; private set; }

    public void AssertOnLoopThread() => Loop.AssertOnLoopThread();

    /// <summary>Asserts the handle may still be used: on its thread and not closing.</summary>
    protected void AssertUsable()
    {
        AssertOnLoopThread();
        Invariant.Assert(!IsClosing, "libuv call on a closing handle");
    }

    /// <summary>Starts closing; a second call is a no-op. <paramref name="onClosed"/> runs once libuv is done.</summary>
    public void Close(Action<UvHandle>? onClosed = null)
    {
        AssertOnLoopThread();
        if (IsClosing)
        {
            return;
        }

        IsClosing = true;
        _onClosed = onClosed;
        Uv.Close(this);
    }

    /// <summary>Called by the transport when libuv's close callback fires.</summary>
    public void OnClosed()
    {
        AssertOnLoopThread();
        Invariant.Assert(IsClosing && !IsClosed);
        IsClosed = true;
        var callback = _onClosed;
        _onClosed = null;
        callback?.Invoke(this);
    }
}
