using Testbed.Engine.Infrastructure;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock;

/// <summary>
/// The engine's <see cref="IScheduler"/> under simulation: app code and continuations are events on the virtual
/// clock, FIFO unless <see cref="WorldFaults.SchedulerJitter"/> lets the <c>sched</c> stream reorder them.
/// </summary>
internal sealed class SimulationScheduler : IScheduler
{
    private readonly Simulation _simulation;
    private readonly Action<object?> _run;
    private readonly Stack<WorkItem> _spare = new();
    private ChoiceStream? _choices;
    private long _lastId;

    internal SimulationScheduler(Simulation simulation)
    {
        _simulation = simulation;
        _run = item => Run((WorkItem)item!);
    }

    public void Schedule(Action<object?> work, object? state)
    {
        _simulation.AssertOnSimulationThread("IScheduler.Schedule");
        var id = ++_lastId;
        var jitter = _simulation.FaultsStopped ? 0 : _simulation.Options.Faults.SchedulerJitter;
        var delay = jitter > 0 ? (_choices ??= _simulation.Stream(Simulation.SchedulerStream)).Choose("sched.delay", jitter + 1) : 0;
        if (delay > 0)
        {
            _simulation.Notify(ObserverCall.FaultInjected, static (o, _) => o.FaultInjected(WorldFault.SchedulerJitter, null), 0);
        }

        _simulation.Trace.Add($"sched.queue j{id}");
        var item = _spare.Count > 0 ? _spare.Pop() : new WorkItem();
        (item.Id, item.Work, item.State) = (id, work, state);
        _simulation.Enqueue(delay, EventKind.Work, _run, item);
    }

    private void Run(WorkItem item)
    {
        _simulation.Trace.Add($"sched.run j{item.Id}");
        var (work, state) = (item.Work!, item.State);

        // Back to the pool before the work runs: the work may schedule more, and each queued item is its own.
        (item.Work, item.State) = (null, null);
        _spare.Push(item);
        work(state);
    }

    /// <summary>One queued work item, reused once it has run: a steady run schedules without allocating.</summary>
    private sealed class WorkItem
    {
        public long Id;
        public Action<object?>? Work;
        public object? State;
    }
}
