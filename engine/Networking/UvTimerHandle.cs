namespace Testbed.Engine.Networking;

/// <summary>A <c>uv_timer_t</c>. Timers run on loop time, which is virtual under the mock transport.</summary>
public sealed class UvTimerHandle : UvHandle
{
    private readonly Action _callback;

    public UvTimerHandle(UvLoopHandle loop, Action callback)
        : base(loop)
    {
        _callback = callback;
        loop.AssertOnLoopThread();
        Uv.TimerInit(loop, this);
    }

    public void Start(long timeoutMs, long repeatMs)
    {
        AssertUsable();
        Uv.TimerStart(this, timeoutMs, repeatMs);
    }

    public void Stop()
    {
        AssertUsable();
        Uv.TimerStop(this);
    }

    /// <summary>Called by the transport when the timer fires.</summary>
    public void OnTimer()
    {
        AssertOnLoopThread();
        _callback();
    }
}
