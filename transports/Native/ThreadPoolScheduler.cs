using Testbed.Engine.Infrastructure;

namespace Testbed.Transports.Native;

/// <summary>
/// The native host's <see cref="IScheduler"/>: the .NET thread pool. The engine is banned from the pool so the
/// mock transport can run it deterministically; the native transport is where real concurrency is allowed in.
/// </summary>
internal sealed class ThreadPoolScheduler : IScheduler
{
    public static ThreadPoolScheduler Instance { get; } = new();

    /// <summary>
    /// Queues to the global queue (<c>preferLocal: false</c>): work posted from a loop thread must not sit in a
    /// loop thread's local queue, and "unsafe" skips ExecutionContext capture, which the engine does not rely on.
    /// </summary>
    public void Schedule(Action<object?> work, object? state) =>
        ThreadPool.UnsafeQueueUserWorkItem(work, state, preferLocal: false);
}
