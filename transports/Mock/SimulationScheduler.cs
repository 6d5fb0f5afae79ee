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
        _simulation.Enqueue(delay, EventKind.Work, _run, new WorkItem(id, work, state));
    }

    private void Run(WorkItem item)
    {
        _simulation.Trace.Add($"sched.run j{item.Id}");
        item.Work(item.State);
    }

    /// <summary>One queued work item: one allocation per Schedule, where a closure and its delegate were two.</summary>
    private sealed record WorkItem(long Id, Action<object?> Work, object? State);
}
