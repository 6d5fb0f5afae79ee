using Spectre.Console;

namespace Testbed.Cli.Simulation;

/// <summary>
/// A sweep's progress on stderr: a Spectre.Console progress bar on a terminal, plain lines (one per tenth of the
/// seeds) when stderr is redirected or <c>CI</c> is set, so logs stay readable.
/// </summary>
internal static class SweepProgress
{
    public static T Show<T>(TextWriter error, ulong seeds, Func<Action<long, long>, T> sweep)
    {
        if (!Interactive(error))
        {
            var step = Math.Max(1, (long)seeds / 10);
            return sweep((done, failed) =>
            {
                if (done % step == 0 || done == (long)seeds)
                {
                    lock (error)
                    {
                        error.WriteLine($"sweep: {done}/{seeds} seeds, {failed} failed");
                    }
                }
            });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("seeds", maxValue: seeds);
                return sweep((done, failed) =>
                {
                    task.Value = done;
                    task.Description = $"seeds ({failed} failed)";
                });
            });
    }

    /// <summary>A terminal a human watches: not redirected, and not a CI run (<c>CI</c> set to anything but false or 0).</summary>
    private static bool Interactive(TextWriter error)
    {
        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            return false;
        }

        var ci = Environment.GetEnvironmentVariable("CI");
        return string.IsNullOrEmpty(ci) || ci is "false" or "0";
    }
}
