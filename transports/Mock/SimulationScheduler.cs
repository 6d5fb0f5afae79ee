using Testbed.Engine.Infrastructure;

namespace Testbed.Transports.Mock;

/// <summary>
/// The engine's <see cref="IScheduler"/> under simulation: app code and continuations are events on the virtual
/// clock, FIFO unless <see cref="SimulationOptions.SchedulerJitter"/> lets the seed reorder them.
/// </summary>
public sealed class SimulationScheduler : IScheduler
{
    private readonly Simulation _simulation;
    private readonly Action<object?> _run;
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
        var delay = _simulation.Options.SchedulerJitter > 0 ? _simulation.Choose("sched.delay", _simulation.Options.SchedulerJitter + 1) : 0;
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
