using Microsoft.Extensions.Logging;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Infrastructure;

/// <summary>
/// One libuv loop and the thread that owns it: a Post queue woken by an async handle, and a heartbeat timer
/// that drives timeouts. Work reaches the loop only through <see cref="Post"/>.
/// </summary>
internal sealed class LoopThread
{
    /// <summary>Bound on work items run per wake-up, so a flood of posts cannot starve I/O callbacks.</summary>
    private const int MaxWorkPerWake = 4096;
    private const long HeartbeatIntervalMs = 1000;

    private readonly ILibuv _uv;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly object _queueLock = new();
    private Queue<(Action<object?> Work, object? State)> _queue = new();
    private Queue<(Action<object?> Work, object? State)> _draining = new();
    private readonly TaskCompletionSource _started = new();
    private readonly TaskCompletionSource _stopped = new();
    private readonly List<Action> _heartbeatListeners = [];
    private UvAsyncHandle? _post;
    private UvTimerHandle? _heartbeat;
    private bool _stopping;

    public LoopThread(ILibuv uv, IScheduler scheduler, string name, ILogger logger)
    {
        _uv = uv;
        _scheduler = scheduler;
        Name = name;
        _logger = logger;
        Loop = new UvLoopHandle(uv);
    }

    public string Name { get; }

    public UvLoopHandle Loop { get; }

    /// <summary>Where app code and continuations run.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>Completes once the loop has been closed (or failed to close, with the exception).</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Starts the thread; the task completes when the loop is ready for posts.</summary>
    public Task StartAsync()
    {
        _uv.StartLoopThread(Name, Loop, Setup, Teardown);
        return _started.Task;
    }

    /// <summary>Queues work for the loop thread; safe from any thread. Work posted after stop is dropped.</summary>
    public void Post(Action<object?> work, object? state)
    {
        lock (_queueLock)
        {
            if (_stopping)
            {
                return;
            }

            _queue.Enqueue((work, state));
        }

        _post?.Send();
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread; the task completes on the scheduler.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>();
        Post(_ =>
        {
            try
            {
                var result = work();
                _scheduler.Schedule(_ => completion.TrySetResult(result), null);
            }
            catch (Exception ex)
            {
                _scheduler.Schedule(_ => completion.TrySetException(ex), null);
            }
        }, null);
        return completion.Task;
    }

    /// <summary>Runs <paramref name="listener"/> on every heartbeat; register on the loop thread.</summary>
    public void OnHeartbeat(Action listener)
    {
        Loop.AssertOnLoopThread();
        _heartbeatListeners.Add(listener);
    }

    public void RemoveHeartbeat(Action listener)
    {
        Loop.AssertOnLoopThread();
        _heartbeatListeners.Remove(listener);
    }

    /// <summary>
    /// Closes the loop's own handles after running what is queued; the loop then ends once the engine has
    /// closed its connections and listeners. Safe from any thread.
    /// </summary>
    public void Stop() => Post(_ => CloseOwnHandles(), null);

    private void Setup()
    {
        Loop.Init();
        _post = new UvAsyncHandle(Loop, DrainQueue);
        _heartbeat = new UvTimerHandle(Loop, Heartbeat);
        _heartbeat.Start(HeartbeatIntervalMs, HeartbeatIntervalMs);
        _scheduler.SetResultLater(_started);
    }

    private void Teardown()
    {
        try
        {
            DrainQueue();
            Loop.Close();
            _scheduler.SetResultLater(_stopped);
        }
        catch (Exception ex)
        {
            _logger.LoopCloseFailed(ex, Name);
            _scheduler.SetExceptionLater(_stopped, ex);
        }
    }

    private void CloseOwnHandles()
    {
        lock (_queueLock)
        {
            _stopping = true;
        }

        _heartbeat?.Close();
        _post?.Close();
    }

    private void DrainQueue()
    {
        for (var round = 0; round < MaxWorkPerWake; round++)
        {
            lock (_queueLock)
            {
                (_queue, _draining) = (_draining, _queue);
            }

            if (_draining.Count == 0)
            {
                return;
            }

            while (_draining.TryDequeue(out var item))
            {
                RunSafely(item.Work, item.State);
            }
        }

        // Still busy after the bound: wake again on the next iteration so I/O gets its turn.
        _post?.Send();
    }

    private void Heartbeat()
    {
        // Copy: a listener may unregister itself (a connection closing on timeout).
        foreach (var listener in _heartbeatListeners.ToArray())
        {
            listener();
        }
    }

    private void RunSafely(Action<object?> work, object? state)
    {
        try
        {
            work(state);
        }
        catch (Exception ex)
        {
            _logger.PostedWorkFailed(ex, Name);
        }
    }
}
