using Testbed.Engine.Infrastructure;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>waiters-fifo</c>: writes held back by the budget complete in the order they were made, and no later write
/// completes at once while an earlier one still waits: an app's writes are a stream, not a set.
/// </summary>
internal sealed class WaitersFifo : InvariantChecker
{
    private readonly Dictionary<long, Queue<long>> _waiting = [];

    public override string Name => "waiters-fifo";

    public override void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
    {
        var waiting = Waiting(connection);
        if (outcome == WriteOutcome.Waiting)
        {
            waiting.Enqueue(end);
        }
        else if (outcome == WriteOutcome.PreCompleted && waiting.Count > 0)
        {
            Fail($"c{connection}: a write ending at {end} completed at once while the write ending at {waiting.Peek()} still waits");
        }
    }

    public override void WriteReleased(long connection, long end, bool aborted)
    {
        var waiting = Waiting(connection);
        if (waiting.Count == 0)
        {
            return; // Not made to wait: write-completes-once says so.
        }

        if (waiting.Peek() != end)
        {
            Fail($"c{connection}: the write ending at {end} was released before the write ending at {waiting.Peek()}, which waited first");
            return;
        }

        waiting.Dequeue();
    }

    private Queue<long> Waiting(long connection)
    {
        if (!_waiting.TryGetValue(connection, out var ends))
        {
            _waiting[connection] = ends = new Queue<long>();
        }

        return ends;
    }
}
