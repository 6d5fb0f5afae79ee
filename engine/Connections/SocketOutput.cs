using System.Buffers;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Connections;

/// <summary>
/// The write side of one connection: write-behind buffering with backpressure (the seed's maxBytesPreCompleted).
/// </summary>
/// <remarks>
/// Every accepted byte gets a position in the output stream. A write "completes" to the app when the bytes
/// up to its end that libuv has not yet taken fit the budget: <c>end - flushed &lt;= MaxResponseBufferSize</c>.
/// Waiters are released in FIFO order and each released waiter's bytes count against the budget, so a burst
/// of completions never lets more than the budget run ahead of the socket. A write larger than the budget
/// completes once its own bytes are flushed. Non-immediate writes (a response head) never wait;
/// their bytes still count for the writes after them. Pending bytes are coalesced into one multi-buffer
/// <c>uv_write</c>, with at most <see cref="MaxWritesInFlight"/> outstanding.
/// </remarks>
internal sealed class SocketOutput
{
    public const int MaxWritesInFlight = 3;
    private const int MaxBuffersPerWrite = 256;

    private readonly LoopThread _thread;
    private readonly UvStreamHandle _socket;
    private readonly SlabMemoryPool _pool;
    private readonly long? _budget;
    private readonly IOutputEvents _events;
    private readonly IServerEvents _trace;
    private readonly long _connectionId;
    private readonly object _sync = new();
    private readonly OutputBuffer _pending;
    private readonly Queue<WriteWaiter> _waiters = new();
    private readonly List<TaskCompletionSource> _droppedBeforeAnnouncement = [];
    private readonly List<WriteBatch> _inFlight = [];
    private readonly List<WriteWaiter> _released = [];
    private readonly Stack<UvWriteReq> _requests = new();
    private readonly Action<UvRequest, int> _onWriteCompleted;
    private readonly TimeProvider _time;
    private long _accepted;
    private long _flushed;
    private bool _flushRequested;
    private bool _submitPosted;
    private OutputEnd _end;

    // The response-rate measure, on the loop thread only: bytes handed to uv_write, and what the kernel had taken
    // at each heartbeat of the current stall (made on the first stall).
    private long _submitted;
    private Queue<(long At, long Taken)>? _stall;

    public SocketOutput(
        LoopThread thread,
        UvStreamHandle socket,
        SlabMemoryPool pool,
        long? maxResponseBufferSize,
        IOutputEvents events,
        TimeProvider time,
        IServerEvents? trace = null,
        long connectionId = 0)
    {
        Invariant.Assert(maxResponseBufferSize is null or >= 0);
        _thread = thread;
        _socket = socket;
        _pool = pool;
        _budget = maxResponseBufferSize;
        _events = events;
        _time = time;
        _trace = trace ?? IServerEvents.None;
        _connectionId = connectionId;
        _pending = new OutputBuffer(pool);
        _onWriteCompleted = (req, status) => OnWriteCompleted((UvWriteReq)req, status);
    }

    /// <summary>Bytes accepted from the app and not yet taken by the socket.</summary>
    public long UnflushedBytes
    {
        get
        {
            lock (_sync)
            {
                return _accepted - _flushed;
            }
        }
    }

    /// <summary>
    /// Accepts <paramref name="data"/> (copied before returning). An immediate write also asks for the pending
    /// bytes to go to the socket; its task completes when the budget allows. After an abort, writes are dropped
    /// and complete once the abort has been announced: the app learns of it through RequestAborted, not an exception.
    /// </summary>
    public Task WriteAsync(ReadOnlySpan<byte> data, bool immediate)
    {
        lock (_sync)
        {
            if (DroppingLocked(data.Length, out var dropped))
            {
                return dropped;
            }

            _pending.Append(data);
            return AcceptedLocked(data.Length, immediate);
        }
    }

    /// <summary>
    /// Accepts one framed piece, <paramref name="prefix"/>, <paramref name="data"/> and <paramref name="suffix"/>
    /// (a chunk), as one immediate write: one lock, one budget decision, one submission.
    /// </summary>
    public Task WriteChunkAsync(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix)
    {
        var length = prefix.Length + data.Length + suffix.Length;
        lock (_sync)
        {
            if (DroppingLocked(length, out var dropped))
            {
                return dropped;
            }

            _pending.Append(prefix);
            _pending.Append(data);
            _pending.Append(suffix);
            return AcceptedLocked(length, immediate: true);
        }
    }

    /// <summary>
    /// Accepts <paramref name="length"/> bytes that <paramref name="fill"/> writes straight into the output's pool
    /// blocks (a response head), so they are never built anywhere else first.
    /// </summary>
    public Task WriteAsync<TState>(int length, TState state, SpanAction<byte, TState> fill, bool immediate)
    {
        lock (_sync)
        {
            if (DroppingLocked(length, out var dropped))
            {
                return dropped;
            }

            _pending.Append(length, state, fill);
            return AcceptedLocked(length, immediate);
        }
    }

    /// <summary>Asks for everything pending to go to the socket; completes when the budget allows, as an immediate write does.</summary>
    public Task FlushAsync()
    {
        lock (_sync)
        {
            return DroppingLocked(0, out var dropped) ? dropped : AcceptedLocked(0, immediate: true);
        }
    }

    /// <summary>After an abort or a requested disconnect, a write is dropped; <paramref name="result"/> is what its caller awaits.</summary>
    private bool DroppingLocked(int length, out Task result)
    {
        result = Task.CompletedTask;
        if (!_end.Aborted && !_end.DisconnectRequested)
        {
            return false;
        }

        _trace.WriteAccepted(_connectionId, length, _accepted, WriteOutcome.Dropped);
        if (_end.Aborted && !_end.AbortAnnounced)
        {
            // Not at once after an abort: a busy writer would spin through dropped writes before RequestAborted
            // fired. Each write its own task: a task awaited twice sends all but one continuation to the thread pool.
            var dropped = new TaskCompletionSource();
            _droppedBeforeAnnouncement.Add(dropped);
            result = dropped.Task;
        }

        return true;
    }

    /// <summary>Counts <paramref name="length"/> appended bytes; an immediate write asks for a flush and may wait for the budget.</summary>
    private Task AcceptedLocked(int length, bool immediate)
    {
        _accepted += length;
        if (!immediate)
        {
            _trace.WriteAccepted(_connectionId, length, _accepted, WriteOutcome.Buffered);
            return Task.CompletedTask;
        }

        _flushRequested = true;
        var result = Task.CompletedTask;
        if (_waiters.Count > 0 || !FitsBudget(_accepted))
        {
            var waiter = new WriteWaiter(_accepted);
            _waiters.Enqueue(waiter);
            result = waiter.Completion.Task;
        }

        _trace.WriteAccepted(_connectionId, length, _accepted, result.IsCompleted ? WriteOutcome.PreCompleted : WriteOutcome.Waiting);
        PostSubmitLocked();
        return result;
    }

    /// <summary>Ends the output: shutdown or disconnect happens once everything queued before it is flushed.</summary>
    public void End(ProduceEndType type)
    {
        lock (_sync)
        {
            if (type == ProduceEndType.SocketShutdownSend)
            {
                _end.ShutdownRequested = true;
            }
            else if (type == ProduceEndType.SocketDisconnect)
            {
                _end.DisconnectRequested = true;
            }
            else
            {
                return;
            }

            _flushRequested = true;
            PostSubmitLocked();
        }
    }

    /// <summary>
    /// Stops all output after a failure: queued bytes are dropped and every waiter completes, so nothing hangs.
    /// Must run on the loop thread; in-flight writes finish through libuv's callbacks. <paramref name="announce"/>
    /// runs on the scheduler in the same work item, just before the waiters and any later writes complete, so a
    /// writer resuming from a dropped write already sees it (the frame fires RequestAborted there).
    /// </summary>
    public void Abort(Action announce)
    {
        _thread.Loop.AssertOnLoopThread();
        List<WriteWaiter> released;
        lock (_sync)
        {
            if (_end.Aborted)
            {
                return;
            }

            _end.Aborted = true;
            _pending.Release();
            released = [.. _waiters];
            _waiters.Clear();
        }

        _thread.Scheduler.Schedule(_ => AnnounceAbort(announce, released), null);
    }

    private void AnnounceAbort(Action announce, List<WriteWaiter> released)
    {
        try
        {
            announce();
        }
        finally
        {
            foreach (var waiter in released)
            {
                _trace.WriteReleased(_connectionId, waiter.End, aborted: true);
                waiter.Completion.TrySetResult();
            }

            List<TaskCompletionSource> dropped;
            lock (_sync)
            {
                _end.AbortAnnounced = true;
                dropped = [.. _droppedBeforeAnnouncement];
                _droppedBeforeAnnouncement.Clear();
            }

            dropped.ForEach(write => write.TrySetResult());
        }
    }

    private bool FitsBudget(long end) => _budget is not { } budget || end - _flushed <= budget;

    private void PostSubmitLocked()
    {
        if (!_submitPosted && _inFlight.Count < MaxWritesInFlight)
        {
            _submitPosted = true;
            _thread.Post(static s => ((SocketOutput)s!).SubmitOnLoop(), this);
        }
    }

    private void SubmitOnLoop()
    {
        WriteBatch? batch;
        var end = ProduceEndType.ConnectionKeepAlive;
        lock (_sync)
        {
            _submitPosted = false;
            if (_end.Aborted || _inFlight.Count >= MaxWritesInFlight)
            {
                return;
            }

            batch = _flushRequested ? _pending.Take(MaxBuffersPerWrite) : null;
            _flushRequested = _pending.Length > 0 && _flushRequested;
            if (batch is null)
            {
                end = EndDueLocked();
            }
            else
            {
                _inFlight.Add(batch);
            }
        }

        if (batch is null)
        {
            // Already on the loop: the end runs here, not in one more post that would wake the loop again.
            FinishEnd(end);
            return;
        }

        _submitted += batch.Bytes;
        Submit(batch);
    }

    private void Submit(WriteBatch batch)
    {
        var request = _requests.Count > 0 ? _requests.Pop() : new UvWriteReq(_thread.Loop);
        try
        {
            request.Write(_socket, batch.Buffers, _onWriteCompleted);
        }
        catch (UvException ex)
        {
            // libuv refused the write and will not call back. Only this batch (the newest) failed: older
            // writes in flight still own their buffers until their own callbacks, so theirs stay rented.
            _requests.Push(request);
            lock (_sync)
            {
                Invariant.Assert(_inFlight[^1] == batch);
                _inFlight.RemoveAt(_inFlight.Count - 1);
                _pending.Release(batch);
            }

            _events.OnWriteFailed(ex.Status);
        }
    }

    private void OnWriteCompleted(UvWriteReq request, int status)
    {
        _requests.Push(request);
        var released = _released;
        Invariant.Assert(released.Count == 0, "completions do not nest");
        bool resubmit;
        lock (_sync)
        {
            var batch = _inFlight[0];
            var bytes = batch.Bytes;
            _inFlight.RemoveAt(0);
            _pending.Release(batch);
            if (status < 0 || _end.Aborted)
            {
                resubmit = false;
            }
            else
            {
                _flushed += bytes;
                Invariant.Assert(_flushed <= _accepted);
                while (_waiters.Count > 0 && FitsBudget(_waiters.Peek().End))
                {
                    released.Add(_waiters.Dequeue());
                }

                resubmit = _flushRequested || _end.ShutdownRequested || _end.DisconnectRequested;
            }
        }

        foreach (var waiter in released)
        {
            _trace.WriteReleased(_connectionId, waiter.End, aborted: false);
            _thread.Scheduler.SetResultLater(waiter.Completion);
        }

        released.Clear();

        if (status < 0)
        {
            _events.OnWriteFailed(status);
        }
        else if (resubmit)
        {
            SubmitOnLoop();
        }
    }

    /// <summary>
    /// On the loop's heartbeat: whether the peer takes the response more slowly than <paramref name="rate"/>. Only
    /// a stall counts: heartbeats at which libuv holds bytes back because the kernel will take no more (the peer's
    /// buffers are full). Once the socket has been stalled at every heartbeat for the grace period, what the
    /// kernel took over the last grace period must keep up with the rate. A peer that stops reading is caught at
    /// the first heartbeat after the grace period, however fast it read before.
    /// </summary>
    public bool PeerTooSlow(MinDataRate rate)
    {
        _thread.Loop.AssertOnLoopThread();
        bool writing;
        lock (_sync)
        {
            writing = _inFlight.Count > 0 && !_end.Aborted;
        }

        var queued = writing ? _socket.WriteQueueSize : 0;
        Invariant.Assert(queued >= 0 && queued <= _submitted, "libuv holds no more than was written");
        if (queued == 0)
        {
            _stall?.Clear();
            return false;
        }

        var now = _time.GetTimestamp();
        var window = (long)(rate.GracePeriod.TotalSeconds * _time.TimestampFrequency);
        var samples = _stall ??= new Queue<(long At, long Taken)>();
        samples.Enqueue((now, _submitted - queued));

        // Keep the newest sample at least a grace period old as the head: the window's start.
        while (samples.Count > 1 && samples.ElementAt(1).At <= now - window)
        {
            samples.Dequeue();
        }

        var (since, takenThen) = samples.Peek();
        return since <= now - window && rate.Below(_submitted - queued - takenThen, _time.GetElapsedTime(since, now));
    }

    /// <summary>
    /// The disconnect or shutdown that is due now that nothing is pending or in flight, marked as started;
    /// <see cref="ProduceEndType.ConnectionKeepAlive"/> when none is.
    /// </summary>
    private ProduceEndType EndDueLocked()
    {
        if (_inFlight.Count > 0 || _pending.Length > 0)
        {
            return ProduceEndType.ConnectionKeepAlive;
        }

        // A disconnect makes a pending shutdown moot: closing after the flush sends FIN as well.
        if (_end.DisconnectRequested && !_end.DisconnectStarted)
        {
            _end.DisconnectStarted = true;
            return ProduceEndType.SocketDisconnect;
        }

        if (_end.ShutdownRequested && !_end.ShutdownStarted && !_end.DisconnectRequested)
        {
            _end.ShutdownStarted = true;
            return ProduceEndType.SocketShutdownSend;
        }

        return ProduceEndType.ConnectionKeepAlive;
    }

    private void FinishEnd(ProduceEndType end)
    {
        if (end == ProduceEndType.SocketDisconnect)
        {
            _events.OnDisconnect();
        }
        else if (end == ProduceEndType.SocketShutdownSend)
        {
            _events.OnShutdownSend();
        }
    }

    private struct OutputEnd
    {
        public bool ShutdownRequested;
        public bool ShutdownStarted;
        public bool DisconnectRequested;
        public bool DisconnectStarted;
        public bool Aborted;
        public bool AbortAnnounced;
    }

    private sealed class WriteWaiter(long end)
    {
        public long End { get; } = end;

        public TaskCompletionSource Completion { get; } = new();
    }
}
