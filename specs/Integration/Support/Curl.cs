using System.Diagnostics;

namespace Testbed.Specs.Integration.Support;

/// <summary>Runs the real curl binary, bounded by <see cref="Bounded.Timeout"/>.</summary>
internal static class Curl
{
    private const string Path = "/usr/bin/curl";

    /// <summary>Runs curl with <paramref name="arguments"/>; returns its exit code and stdout.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Path), $"these specs need curl at {Path} (apt-get install curl)");
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Never through a proxy, and never longer than the bound.
        foreach (var argument in (string[])["--noproxy", "*", "--max-time", "14", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bounded.Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
