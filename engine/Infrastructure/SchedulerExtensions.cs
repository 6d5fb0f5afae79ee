namespace Testbed.Engine.Infrastructure;

/// <summary>
/// Completing a task from a loop thread would run its awaiters inline on the loop. These helpers complete
/// through the scheduler instead, so continuations land where app code belongs, deterministically.
/// </summary>
internal static class SchedulerExtensions
{
    public static void SetResultLater(this IScheduler scheduler, TaskCompletionSource completion) =>
        scheduler.Schedule(static s => ((TaskCompletionSource)s!).TrySetResult(), completion);

    public static void SetExceptionLater(this IScheduler scheduler, TaskCompletionSource completion, Exception error) =>
        scheduler.Schedule(s => ((TaskCompletionSource)s!).TrySetException(error), completion);
}
