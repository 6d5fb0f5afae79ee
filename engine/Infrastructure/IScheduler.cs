namespace Testbed.Engine.Infrastructure;

/// <summary>
/// Runs app code and continuations off the loop threads. The native host uses the thread pool; the mock runs
/// work items on its single simulation thread in a seeded order. The engine reaches no other executor.
/// </summary>
public interface IScheduler
{
    void Schedule(Action<object?> work, object? state);
}
