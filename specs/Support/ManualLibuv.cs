using System.Net;
using Testbed.Engine.Networking;

namespace Testbed.Specs.Support;

/// <summary>
/// A single-threaded <see cref="ILibuv"/> that does nothing by itself: the spec decides when async wake-ups,
/// close callbacks, timers and write completions happen. One loop per instance; everything runs on the
/// thread that called <see cref="StartLoopThread"/>. Calls no unit spec needs throw <see cref="NotSupportedException"/>.
/// </summary>
/// <remarks>
/// Honest where it matters to the engine: writes complete in submission order (a stream's writes do),
/// <c>uv_write</c> needs at least one buffer, a closed stream's pending writes complete with ECANCELED
/// before its close callback, and <c>uv_loop_close</c> fails with EBUSY while a handle is open.
/// </remarks>
public sealed class ManualLibuv : ILibuv
{
    private readonly object _asyncLock = new();
    private readonly List<UvAsyncHandle> _pendingAsync = [];
    private readonly HashSet<UvHandle> _open = [];
    private readonly Queue<UvHandle> _closing = new();
    private readonly Queue<WriteRecord> _writes = new();
    private readonly Dictionary<UvTimerHandle, long> _timers = [];
    private UvLoopHandle? _loop;
    private Action? _teardown;
    private bool _stopRequested;
    private nint _nextId;

    /// <summary>Every uv_write in submission order, completed or not.</summary>
    public List<WriteRecord> Submitted { get; } = [];

    /// <summary>uv_writes submitted and not yet completed.</summary>
    public int WritesInFlight => _writes.Count;

    /// <summary>The most uv_writes ever in flight at once.</summary>
    public int MaxWritesInFlight { get; private set; }

    /// <summary>Bytes of the writes that completed with status 0, in order: what the peer received.</summary>
    public byte[] Wire => [.. Submitted.Where(w => w.Status == 0).SelectMany(w => w.Bytes)];

    /// <summary>True once the loop thread's teardown ran (uv_run returned).</summary>
    public bool TornDown { get; private set; }

    /// <summary>When set, uv_write fails at submission with this status, as libuv returns EPIPE on a stream that is not writable.</summary>
    public int? RefuseWrites { get; set; }

    /// <summary>The value <see cref="Now"/> returns.</summary>
    public long NowMs { get; set; }

    /// <summary>Runs async callbacks, cancelled writes and close callbacks until nothing is pending; returns how many ran.</summary>
    public int RunUntilIdle()
    {
        var ran = 0;
        while (RunOne())
        {
            ran++;
        }

        // uv_run returns once stopped or once no handle is left; the loop thread then tears down.
        if (_loop is not null && !TornDown && (_stopRequested || _open.Count == 0))
        {
            TornDown = true;
            _teardown!();
        }

        return ran;
    }

    /// <summary>Completes the oldest in-flight uv_write with <paramref name="status"/> and returns its record.</summary>
    public WriteRecord CompleteNextWrite(int status = 0)
    {
        var write = _writes.Count > 0 ? _writes.Dequeue() : throw new InvalidOperationException("no uv_write in flight");
        write.AssertBuffersUnchanged();
        write.Status = status;
        write.Request.Native = 0;
        write.Request.OnCompleted(status);
        return write;
    }

    /// <summary>Fires every started timer once (the spec decides when time passes); one-shot timers stop.</summary>
    public void FireTimers()
    {
        foreach (var (timer, repeat) in _timers.ToArray())
        {
            if (repeat == 0)
            {
                _timers.Remove(timer);
            }

            timer.OnTimer();
        }
    }

    public void StartLoopThread(string name, UvLoopHandle loop, Action setup, Action teardown)
    {
        Assert.Null(_loop);
        _loop = loop;
        _teardown = teardown;
        setup();
    }

    public void LoopInit(UvLoopHandle loop) => loop.Native = NextId();

    public void LoopClose(UvLoopHandle loop)
    {
        if (_open.Count > 0)
        {
            throw new UvException("uv_loop_close", UvStatus.EBUSY, ErrName(UvStatus.EBUSY), "handles still open");
        }
    }

    public void Stop(UvLoopHandle loop) => _stopRequested = true;

    public long Now(UvLoopHandle loop) => NowMs;

    public void Close(UvHandle handle)
    {
        Assert.True(_open.Contains(handle), "uv_close on a handle that is not open");
        if (handle is UvTimerHandle timer)
        {
            _timers.Remove(timer);
        }

        _closing.Enqueue(handle);
    }

    public void AsyncInit(UvLoopHandle loop, UvAsyncHandle handle) => Open(handle);

    public void AsyncSend(UvAsyncHandle handle)
    {
        lock (_asyncLock)
        {
            // Sends coalesce: one callback however many sends came before it.
            if (!_pendingAsync.Contains(handle))
            {
                _pendingAsync.Add(handle);
            }
        }
    }

    public void TimerInit(UvLoopHandle loop, UvTimerHandle timer) => Open(timer);

    public void TimerStart(UvTimerHandle timer, long timeoutMs, long repeatMs) => _timers[timer] = repeatMs;

    public void TimerStop(UvTimerHandle timer) => _timers.Remove(timer);

    public void TcpInit(UvLoopHandle loop, UvTcpHandle tcp) => Open(tcp);

    public void Write(UvWriteReq request, UvStreamHandle stream, ReadOnlySpan<UvBuffer> buffers)
    {
        Assert.True(_open.Contains(stream), "uv_write on a stream that is not open");

        // libuv asserts nbufs > 0.
        Assert.True(buffers.Length > 0, "uv_write with no buffers");
        if (RefuseWrites is { } status)
        {
            throw new UvException("uv_write", status, ErrName(status), StrError(status));
        }

        request.Native = NextId();
        var write = new WriteRecord(request, stream, buffers.ToArray());
        Submitted.Add(write);
        _writes.Enqueue(write);
        MaxWritesInFlight = Math.Max(MaxWritesInFlight, _writes.Count);
    }

    public string ErrName(int status) =>
        typeof(UvStatus).GetFields().FirstOrDefault(f => f.IsLiteral && Equals(f.GetRawConstantValue(), status))?.Name
        ?? $"UNKNOWN({status})";

    public string StrError(int status) => ErrName(status);

    public void TcpBind(UvTcpHandle tcp, IPEndPoint endPoint, PortSharing sharing) => throw new NotSupportedException();

    public void TcpNoDelay(UvTcpHandle tcp, bool enable) => throw new NotSupportedException();

    public IPEndPoint TcpGetSockName(UvTcpHandle tcp) => throw new NotSupportedException();

    public IPEndPoint TcpGetPeerName(UvTcpHandle tcp) => throw new NotSupportedException();

    public void Listen(UvStreamHandle server, int backlog) => throw new NotSupportedException();

    public void Accept(UvStreamHandle server, UvStreamHandle client) => throw new NotSupportedException();

    public void ReadStart(UvStreamHandle stream) => throw new NotSupportedException();

    public void ReadStop(UvStreamHandle stream) => throw new NotSupportedException();

    public void Shutdown(UvShutdownReq request, UvStreamHandle stream) => throw new NotSupportedException();

    private void Open(UvHandle handle)
    {
        handle.Native = NextId();
        _open.Add(handle);
    }

    private nint NextId() => ++_nextId;

    /// <summary>One step of a loop iteration, in libuv's order: async wake-ups, then closing handles.</summary>
    private bool RunOne()
    {
        UvAsyncHandle? async = null;
        lock (_asyncLock)
        {
            if (_pendingAsync.Count > 0)
            {
                async = _pendingAsync[0];
                _pendingAsync.RemoveAt(0);
            }
        }

        if (async is not null)
        {
            if (!async.IsClosing)
            {
                async.OnAsync();
            }

            return true;
        }

        return _closing.TryDequeue(out var handle) && FinishClose(handle);
    }

    private bool FinishClose(UvHandle handle)
    {
        // Closing a stream cancels its queued writes; their callbacks run before the close callback.
        while (_writes.TryPeek(out var write) && write.Stream == handle)
        {
            CompleteNextWrite(UvStatus.ECANCELED);
        }

        _open.Remove(handle);
        handle.Native = 0;
        handle.OnClosed();
        return true;
    }

    /// <summary>One uv_write: the bytes are copied at submission so the spec sees what the engine asked to send.</summary>
    public sealed class WriteRecord
    {
        private readonly UvBuffer[] _buffers;

        public WriteRecord(UvWriteReq request, UvStreamHandle stream, UvBuffer[] buffers)
        {
            Request = request;
            Stream = stream;
            _buffers = buffers;
            Bytes = Copy(buffers);
            BufferLengths = [.. buffers.Select(b => b.Length)];
        }

        public UvWriteReq Request { get; }

        public UvStreamHandle Stream { get; }

        public byte[] Bytes { get; }

        public int[] BufferLengths { get; }

        public int BufferCount => BufferLengths.Length;

        /// <summary>The completion status; null while in flight.</summary>
        public int? Status { get; set; }

        /// <summary>libuv reads the buffers any time before completion: the engine must not reuse them earlier.</summary>
        public void AssertBuffersUnchanged() =>
            Assert.True(Bytes.AsSpan().SequenceEqual(Copy(_buffers)), "uv_write buffers changed while in flight");

        private static byte[] Copy(UvBuffer[] buffers) => [.. buffers.SelectMany(b => b.AsSpan().ToArray())];
    }
}
