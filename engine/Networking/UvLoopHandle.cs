using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Networking;

/// <summary>A libuv loop, owned by exactly one thread.</summary>
public sealed class UvLoopHandle(ILibuv uv)
{
    public ILibuv Uv { get; } = uv;

    /// <summary>The transport's identity for the loop (native: the <c>uv_loop_t*</c>).</summary>
    public nint Native { get; set; }

    /// <summary>The managed thread that initialised the loop and alone may call into it.</summary>
    public int ThreadId { get; private set; }

    public bool IsClosed { get; private set; }

    public void Init()
    {
        ThreadId = Environment.CurrentManagedThreadId;
        Uv.LoopInit(this);
    }

    public void AssertOnLoopThread() =>
        Invariant.Assert(Environment.CurrentManagedThreadId == ThreadId, "libuv call off its loop's thread");

    public long Now()
    {
        AssertOnLoopThread();
        return Uv.Now(this);
    }

    public void Stop()
    {
        AssertOnLoopThread();
        Uv.Stop(this);
    }

    public void Close()
    {
        AssertOnLoopThread();
        Uv.LoopClose(this);
        IsClosed = true;
    }
}
