using System.Diagnostics;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// samples/MyServer.Tests is a user's own test project: it references the packages, not the projects. This packs
/// the libraries into a feed of its own, under a version no cache has seen, and runs the sample's tests from it.
/// </summary>
public sealed class SampleProjectSpecs
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task The_sample_project_passes_against_the_packed_packages()
    {
        var scratch = Directory.CreateTempSubdirectory("testbed-sample-");
        try
        {
            var version = $"0.1.0-spec.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
            var feed = Path.Combine(scratch.FullName, "feed");
            foreach (var project in new[] { "engine/Testbed.Engine.csproj", "transports/Mock/Testbed.Transports.Mock.csproj", "transports/Recording/Testbed.Transports.Recording.csproj", "simulation/Testbed.Simulator.csproj" })
            {
                // Built apart (--artifacts-path), so the packing never touches the outputs this run of the specs uses.
                await RunAsync("pack", Path.Combine(RepositoryRoot.Path, project), "-c", "Release", "-nologo", "-o", feed, "-p:Version=" + version, "--artifacts-path", Path.Combine(scratch.FullName, "build"));
            }

            // samples/nuget.config names artifacts/packages, which only a `dotnet pack` of the solution creates; on a
            // fresh clone it is missing, and NuGet refuses a local source that does not exist.
            Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "artifacts", "packages"));
            var test = await RunAsync(
                "test", Path.Combine(RepositoryRoot.Path, "samples", "MyServer.Tests"), "-nologo", "-p:TestbedVersion=" + version,
                "-p:RestoreAdditionalProjectSources=" + feed, "--artifacts-path", Path.Combine(scratch.FullName, "sample"));

            Assert.Contains("Passed!  - Failed:     0, Passed:     3", test, StringComparison.Ordinal);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = new CancellationTokenSource(Deadline);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {process.ExitCode}:\n{text}");
        return text;
    }
}
