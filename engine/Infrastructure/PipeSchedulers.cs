using System.IO.Pipelines;

namespace Testbed.Engine.Infrastructure;

/// <summary>Runs pipe continuations (app-side reads) on the injected scheduler, never the thread pool.</summary>
internal sealed class SchedulerPipeScheduler(IScheduler scheduler) : PipeScheduler
{
    public override void Schedule(Action<object?> action, object? state) => scheduler.Schedule(action, state);
}

/// <summary>Runs pipe continuations (input flow control) on a loop thread, where libuv may be called.</summary>
internal sealed class LoopPipeScheduler(LoopThread thread) : PipeScheduler
{
    public override void Schedule(Action<object?> action, object? state) => thread.Post(action, state);
}
