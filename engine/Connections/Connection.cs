using Microsoft.Extensions.Logging;
using Testbed.Engine.Http;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Connections;

/// <summary>
/// One accepted socket: it owns the handle, the input and output sides and the frame that serves requests,
/// and it runs the end-of-connection state machine Open → Shutdown → Disconnected, each step at most once.
/// </summary>
internal sealed class Connection : IInputEvents, IOutputEvents
{
    /// <summary>How long a connection reads and discards after its FIN before it closes.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    private readonly LoopThread _thread;
    private readonly UvTcpHandle _socket;
    private readonly ConnectionContext _context;
    private readonly Action _heartbeat;
    private readonly Action<Connection> _onClosed;
    private readonly object _stateLock = new();
    private EndState _state = EndState.Open;
    private readonly ConnectionDeadline _deadline = new();
    private int _timedOut;
    private bool _aborted;

    public Connection(long id, LoopThread thread, UvTcpHandle socket, ConnectionContext context, Action<Connection> onClosed)
    {
        Id = id;
        _thread = thread;
        _socket = socket;
        _context = context;
        _onClosed = onClosed;
        _heartbeat = CheckTimeout;
        Input = new SocketInput(thread, socket, context.Memory, context.Limits.MaxRequestBufferSize, this, context.Events, id);
        Output = new SocketOutput(thread, socket, context.Memory, context.Limits.MaxResponseBufferSize, this, context.Time, context.Events, id);
        Frame = new Frame(this, context);
    }

    private enum EndState
    {
        Open,
        Shutdown,
        Disconnected,
    }

    public long Id { get; }

    public SocketInput Input { get; }

    public SocketOutput Output { get; }

    public Frame Frame { get; }

    public IScheduler Scheduler => _thread.Scheduler;

    public ILogger Logger => _context.Logger;

    /// <summary>Starts reading and hands the connection to its frame. Runs on the loop thread.</summary>
    public void Start()
    {
        _thread.Loop.AssertOnLoopThread();
        _socket.NoDelay(true);
        _context.Events.ConnectionOpened(Id, _socket);
        _thread.OnHeartbeat(_heartbeat);
        Input.Start();
        Scheduler.Schedule(static s => _ = ((Frame)s!).ProcessRequestsAsync(), Frame);
    }

    /// <summary>The seed's <c>End(ProduceEndType)</c>: each transition happens at most once, from any thread.</summary>
    public void End(ProduceEndType type)
    {
        EndState from;
        lock (_stateLock)
        {
            from = _state;
            switch (type)
            {
                case ProduceEndType.ConnectionKeepAlive when _state == EndState.Open:
                    Logger.ConnectionKeepAlive(Id);
                    return;
                case ProduceEndType.SocketShutdownSend when _state == EndState.Open:
                    _state = EndState.Shutdown;
                    Logger.ConnectionWriteFin(Id);
                    break;
                case ProduceEndType.SocketDisconnect when _state != EndState.Disconnected:
                    _state = EndState.Disconnected;
                    Logger.ConnectionDisconnect(Id);
                    break;
                default:
                    return;
            }
        }

        _context.Events.EndTransition(Id, from.ToString(), type == ProduceEndType.SocketShutdownSend ? nameof(EndState.Shutdown) : nameof(EndState.Disconnected));
        Output.End(type);
    }

    /// <summary>Tears the connection down now (reset, write failure, app failure after the response started).</summary>
    public void Abort(AbortReason reason)
    {
        _thread.Post(_ => AbortOnLoop(reason, null), null);
    }

    /// <summary>Sets the deadline the heartbeat enforces; <see cref="ConnectionTimeout.None"/> clears it.</summary>
    public void SetTimeout(ConnectionTimeout kind, TimeSpan after)
    {
        var deadline = kind == ConnectionTimeout.None ? 0 : _context.Time.GetTimestamp() + (long)(after.TotalSeconds * _context.Time.TimestampFrequency);
        _deadline.Set(kind, deadline);
    }

    /// <summary>Takes the timeout that fired, if any, so the frame can act on it once.</summary>
    public ConnectionTimeout TakeTimedOut() => (ConnectionTimeout)Interlocked.Exchange(ref _timedOut, 0);

    void IInputEvents.OnReadEnded(int status)
    {
        if (status == UvStatus.EOF)
        {
            Input.Complete();
            return;
        }

        Logger.ConnectionIoFailed(Id, "read", _socket.Uv.ErrName(status));
        AbortOnLoop(AbortReason.ReadFailed, _socket.Uv.ErrName(status));
    }

    void IOutputEvents.OnWriteFailed(int status)
    {
        Logger.ConnectionIoFailed(Id, "write", _socket.Uv.ErrName(status));
        AbortOnLoop(AbortReason.WriteFailed, _socket.Uv.ErrName(status));
    }

    void IOutputEvents.OnShutdownSend()
    {
        if (_socket.IsClosing)
        {
            return;
        }

        // The linger starts with the FIN, not with the request for it: a slow reader still owed the response
        // must not lose it to a timeout that ran while its bytes waited in the socket.
        SetTimeout(ConnectionTimeout.Linger, LingerTimeout);
        var request = new UvShutdownReq(_thread.Loop);
        try
        {
            request.Shutdown(_socket, (_, status) => OnShutdownCompleted(status));
        }
        catch (UvException ex)
        {
            OnShutdownCompleted(ex.Status);
        }
    }

    void IOutputEvents.OnDisconnect() => CloseSocket();

    private void OnShutdownCompleted(int status)
    {
        if (status < 0)
        {
            Logger.ConnectionIoFailed(Id, "shutdown", _socket.Uv.ErrName(status));
        }
    }

    private void AbortOnLoop(AbortReason reason, string? status)
    {
        if (_aborted || _socket.IsClosing)
        {
            return;
        }

        _aborted = true;
        var why = status is null ? reason.ToString() : $"{reason} ({status})";
        Logger.ConnectionAborted(Id, why);
        _context.Events.Aborting(Id, reason);
        EndState from;
        lock (_stateLock)
        {
            from = _state;
            _state = EndState.Disconnected;
        }

        // Reported even after a disconnect was requested: the output that close was waiting to flush is dropped now.
        _context.Events.EndTransition(Id, from.ToString(), "Aborted");

        // The frame learns first, so an app failing on the input error below is known to be failing from the
        // abort; RequestAborted fires before any write returns to the app, so a writer sees it when it resumes.
        Frame.OnAborted();
        Output.Abort(Frame.CancelRequest);
        Input.Complete(new ConnectionAbortedException(why));
        CloseSocket();
    }

    private void CloseSocket()
    {
        if (_socket.IsClosing)
        {
            return;
        }

        _thread.RemoveHeartbeat(_heartbeat);
        Input.Complete();
        _socket.Close(_ =>
        {
            _context.Events.ConnectionClosed(Id);
            _onClosed(this);
        });
    }

    private void CheckTimeout()
    {
        // Expire only the deadline looked at: one the frame set since then must stand (the two used to race).
        if (_context.Limits.MinResponseDataRate is { } rate && Output.PeerTooSlow(rate))
        {
            Logger.ResponseTooSlow(Id, rate.BytesPerSecond);
            AbortOnLoop(AbortReason.ResponseTooSlow, null);
            return;
        }

        var seen = _deadline.Look();
        if (_context.Time.GetTimestamp() < seen.Timestamp || !_deadline.TryExpire(seen))
        {
            return;
        }

        var kind = seen.Kind;
        _context.Events.TimedOut(Id, kind);
        if (kind == ConnectionTimeout.Linger)
        {
            CloseSocket();
            return;
        }

        Volatile.Write(ref _timedOut, (int)kind);
        Input.Reader.CancelPendingRead();
    }
}
