using System.Diagnostics;

namespace Testbed.Specs.Integration.Support;

/// <summary>Every wait in the integration specs goes through here, so no spec can hang the suite.</summary>
internal static class Bounded
{
    /// <summary>The longest any single wait may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        var max = limit ?? Timeout;
        while (!condition())
        {
            if (deadline.Elapsed > max)
            {
                throw new TimeoutException($"waited {max.TotalSeconds:0.#} s for {what}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> (a request, say) until it holds, as above.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        var max = limit ?? Timeout;
        while (!await condition())
        {
            if (deadline.Elapsed > max)
            {
                throw new TimeoutException($"waited {max.TotalSeconds:0.#} s for {what}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>A task's result, failing after <see cref="Timeout"/>.</summary>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    /// <summary>A task's completion, failing after <see cref="Timeout"/>.</summary>
    public static Task Within(this Task task) => task.WaitAsync(Timeout);

    /// <summary>A signal whose continuations do not run inline on the thread that sets it (a loop or the app).</summary>
    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
