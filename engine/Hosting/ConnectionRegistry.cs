using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Hosting;

/// <summary>Counts open connections across loops, so a stop can wait for the last one to close.</summary>
internal sealed class ConnectionRegistry(IScheduler scheduler)
{
    private readonly object _lock = new();
    private long _lastId;
    private int _open;
    private TaskCompletionSource? _drained;

    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _open;
            }
        }
    }

    public long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Counts a connection as open unless <paramref name="limit"/> are already; false when over it.</summary>
    public bool TryOpen(long? limit, out int open)
    {
        lock (_lock)
        {
            open = _open;
            if (_open >= limit)
            {
                return false;
            }

            _open++;
            return true;
        }
    }

    public void Closed()
    {
        TaskCompletionSource? drained = null;
        lock (_lock)
        {
            _open--;
            Invariant.Assert(_open >= 0);
            if (_open == 0)
            {
                (drained, _drained) = (_drained, null);
            }
        }

        if (drained is not null)
        {
            scheduler.SetResultLater(drained);
        }
    }

    /// <summary>Completes when no connection is open.</summary>
    public Task WhenDrained()
    {
        lock (_lock)
        {
            if (_open == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource();
            return _drained.Task;
        }
    }
}
