using Testbed.Engine.Infrastructure;

namespace Testbed.Specs.Support;

/// <summary>
/// An <see cref="IScheduler"/> that only queues: work runs when the spec calls <see cref="RunAll"/>, on the spec's
/// thread, so the moment a task completes is exact and no spec ever waits with a timeout.
/// </summary>
public sealed class ManualScheduler : IScheduler
{
    private readonly object _lock = new();
    private readonly Queue<(Action<object?> Work, object? State)> _queue = new();

    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Schedule(Action<object?> work, object? state)
    {
        lock (_lock)
        {
            _queue.Enqueue((work, state));
        }
    }

    /// <summary>Runs queued work, including work it schedules, until the queue is empty; returns how many ran.</summary>
    public int RunAll()
    {
        var ran = 0;
        while (TryDequeue(out var item))
        {
            item.Work(item.State);
            ran++;
        }

        return ran;
    }

    private bool TryDequeue(out (Action<object?> Work, object? State) item)
    {
        lock (_lock)
        {
            return _queue.TryDequeue(out item);
        }
    }
}
