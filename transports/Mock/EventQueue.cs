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
/// <remarks>
/// Most events are queued for the present moment (scheduler work, async sends, closes). Those skip the heap: a
/// FIFO holds them, already in (time, sequence) order since the present never goes back, and each dequeue takes
/// the smaller head of the FIFO and the heap, so the order is exactly the heap's alone.
/// </remarks>
internal sealed class EventQueue
{
    public const int Capacity = 1 << 22;

    private readonly PriorityQueue<Event, (long Time, long Sequence)> _queue = new();
    private readonly Queue<(Event Item, long Time, long Sequence)> _present = new();
    private long _presentTime;
    private long _sequence;

    /// <summary>Queued events that are not timers: while any remain the simulation is not idle.</summary>
    public int Busy { get; private set; }

    public int Count => _queue.Count + _present.Count;

    public void Enqueue(long time, EventKind kind, Action<object?> work, object? state)
    {
        if (Count >= Capacity)
        {
            throw new SimulationException($"more than {Capacity} events queued: the run does not settle", failure: SimulationFailure.NotSettled);
        }

        if (kind != EventKind.Timer)
        {
            Busy++;
        }

        var item = new Event(kind, work, state);
        if (time == _presentTime)
        {
            _present.Enqueue((item, time, ++_sequence));
        }
        else
        {
            _queue.Enqueue(item, (time, ++_sequence));
        }
    }

    public bool TryPeekTime(out long time)
    {
        var inHeap = _queue.TryPeek(out _, out var priority);
        if (_present.TryPeek(out var head) && (!inHeap || head.Time <= priority.Time))
        {
            time = head.Time;
            return true;
        }

        time = priority.Time;
        return inHeap;
    }

    public Event Dequeue(out long time)
    {
        Event item;
        var inHeap = _queue.TryPeek(out _, out var priority);
        if (_present.TryPeek(out var head) && (!inHeap || (head.Time, head.Sequence).CompareTo(priority) < 0))
        {
            _present.Dequeue();
            (item, time) = (head.Item, head.Time);
        }
        else
        {
            _queue.TryDequeue(out item, out priority);
            time = priority.Time;
        }

        if (item.Kind != EventKind.Timer)
        {
            Busy--;
        }

        // Events queued for this moment from now on go to the FIFO.
        _presentTime = time;
        return item;
    }

    internal readonly record struct Event(EventKind Kind, Action<object?> Work, object? State);
}
