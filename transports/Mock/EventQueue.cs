namespace Testbed.Transports.Mock;

/// <summary>What a queued item is, which decides whether the simulation counts as busy while it waits.</summary>
public enum EventKind : byte
{
    /// <summary>A libuv callback, a network delivery or a close: the simulation is busy until it runs.</summary>
    Io,

    /// <summary>Scheduler work (app code and continuations): busy until it runs.</summary>
    Work,

    /// <summary>A libuv or TimeProvider timer: idle time may pass before it fires.</summary>
    Timer,
}

/// <summary>
/// Every pending event, ordered by (virtual time, sequence): equal times run in the order they were queued, so
/// the order is a pure function of the events themselves. Bounded: a run that queues without end fails.
/// </summary>
internal sealed class EventQueue
{
    public const int Capacity = 1 << 22;

    private readonly PriorityQueue<Event, (long Time, long Sequence)> _queue = new();
    private long _sequence;

    /// <summary>Queued events that are not timers: while any remain the simulation is not idle.</summary>
    public int Busy { get; private set; }

    public int Count => _queue.Count;

    public void Enqueue(long time, EventKind kind, Action<object?> work, object? state)
    {
        if (_queue.Count >= Capacity)
        {
            throw new SimulationException($"more than {Capacity} events queued: the run does not settle");
        }

        if (kind != EventKind.Timer)
        {
            Busy++;
        }

        _queue.Enqueue(new Event(kind, work, state), (time, ++_sequence));
    }

    public bool TryPeekTime(out long time)
    {
        if (_queue.TryPeek(out _, out var priority))
        {
            time = priority.Time;
            return true;
        }

        time = 0;
        return false;
    }

    public Event Dequeue(out long time)
    {
        _queue.TryDequeue(out var item, out var priority);
        if (item.Kind != EventKind.Timer)
        {
            Busy--;
        }

        time = priority.Time;
        return item;
    }

    internal readonly record struct Event(EventKind Kind, Action<object?> Work, object? State);
}
