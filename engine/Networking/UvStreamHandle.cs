using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Networking;

/// <summary>Allocates the buffer for the next read; the engine returns pinned pool memory.</summary>
public delegate UvBuffer UvAllocCallback(UvStreamHandle stream, int suggestedSize);

/// <summary>Delivers a read: <paramref name="status"/> is the byte count, or a negative libuv status (EOF ends the stream).</summary>
public delegate void UvReadCallback(UvStreamHandle stream, int status, UvBuffer buffer);

/// <summary>A <c>uv_stream_t</c>: listen, accept, read.</summary>
public abstract class UvStreamHandle : UvHandle
{
    private Action<UvStreamHandle, int>? _onConnection;
    private UvAllocCallback? _onAlloc;
    private UvReadCallback? _onRead;

    protected UvStreamHandle(UvLoopHandle loop)
        : base(loop)
    {
    }

    public bool IsReading { get; private set; }

    public void Listen(int backlog, Action<UvStreamHandle, int> onConnection)
    {
        AssertUsable();
        _onConnection = onConnection;
        Uv.Listen(this, backlog);
    }

    public void Accept(UvStreamHandle client)
    {
        AssertUsable();
        Uv.Accept(this, client);
    }

    public void ReadStart(UvAllocCallback onAlloc, UvReadCallback onRead)
    {
        AssertUsable();
        Invariant.Assert(!IsReading);
        _onAlloc = onAlloc;
        _onRead = onRead;
        IsReading = true;
        Uv.ReadStart(this);
    }

    public void ReadStop()
    {
        AssertUsable();
        if (IsReading)
        {
            IsReading = false;
            Uv.ReadStop(this);
        }
    }

    /// <summary>Bytes written that libuv still holds because the kernel will not take them yet.</summary>
    public long WriteQueueSize
    {
        get
        {
            AssertUsable();
            return Uv.WriteQueueSize(this);
        }
    }

    /// <summary>Called by the transport for each incoming connection.</summary>
    public void OnConnection(int status)
    {
        AssertOnLoopThread();
        Invariant.Assert(_onConnection is not null);
        _onConnection(this, status);
    }

    /// <summary>Called by the transport before each read.</summary>
    public UvBuffer OnAlloc(int suggestedSize)
    {
        AssertOnLoopThread();
        Invariant.Assert(_onAlloc is not null);
        return _onAlloc(this, suggestedSize);
    }

    /// <summary>Called by the transport after each read, with the buffer <see cref="OnAlloc"/> returned.</summary>
    public void OnRead(int status, UvBuffer buffer)
    {
        AssertOnLoopThread();
        Invariant.Assert(_onRead is not null);
        _onRead(this, status, buffer);
    }
}
