using System.Diagnostics;

namespace Testbed.Specs.Support;

/// <summary>The built <c>testbed</c> next to the specs, run to completion in its own process with <c>dotnet</c>.</summary>
internal static class TestbedProcess
{
    // A child starts a whole runtime; on a loaded two-core machine that alone can take seconds.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public sealed record Exit(int Code, string Output, string Error);

    public static Task<Exit> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs it with <paramref name="environment"/> added to this process's environment.</summary>
    public static async Task<Exit> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "testbed.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = new CancellationTokenSource(Deadline);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"testbed {string.Join(' ', args)} did not exit within {Deadline.TotalSeconds:0} s");
        }

        return new Exit(process.ExitCode, await output, await error);
    }
}
