namespace Testbed.Engine.Networking;

/// <summary>A <c>uv_async_t</c>: the only handle other threads may touch, to wake the loop.</summary>
public sealed class UvAsyncHandle : UvHandle
{
    private readonly Action _callback;

    public UvAsyncHandle(UvLoopHandle loop, Action callback)
        : base(loop)
    {
        _callback = callback;
        loop.AssertOnLoopThread();
        Uv.AsyncInit(loop, this);
    }

    /// <summary>Wakes the loop from any thread. Sends may coalesce.</summary>
    public void Send()
    {
        if (!IsClosing)
        {
            Uv.AsyncSend(this);
        }
    }

    /// <summary>Called by the transport on the loop's thread.</summary>
    public void OnAsync()
    {
        AssertOnLoopThread();
        _callback();
    }
}
