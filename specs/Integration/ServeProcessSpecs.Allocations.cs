using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

public sealed partial class ServeProcessSpecs
{
    [Fact]
    public async Task Serve_with_report_allocations_prints_bytes_per_request_on_SIGUSR1_and_at_stop_each_for_its_own_span()
    {
        await using var serve = await ServeProcess.StartAsync("--threads", "2", "--report-allocations");
        using (var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Bounded.Timeout })
        {
            // A warm-up the reset leaves out, then the measured requests.
            for (var i = 0; i < 7; i++)
            {
                Assert.Equal("Hello, World!", await client.GetStringAsync(new Uri(serve.BaseAddress, "/plaintext")));
            }

            await serve.SendAsync("USR1");
            await Bounded.UntilAsync(() => serve.Output.Any(l => l.StartsWith("allocations:", StringComparison.Ordinal)), "the line SIGUSR1 prints");
            Assert.False(serve.HasExited, "SIGUSR1 ended the server");
            var warmUp = AllocationsLine().Match(Assert.Single(serve.Output, l => l.StartsWith("allocations:", StringComparison.Ordinal)));
            Assert.True(warmUp.Success);
            Assert.Equal("7", warmUp.Groups[2].Value);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal("Hello, World!", await client.GetStringAsync(new Uri(serve.BaseAddress, "/plaintext")));
            }
        }

        var exit = await serve.SignalAsync("INT");

        Assert.Equal(0, exit.Code);
        var lines = serve.Output.Where(l => l.StartsWith("allocations:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        var line = lines[1];
        var match = AllocationsLine().Match(line);
        Assert.True(match.Success, line);
        var bytes = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal("20", match.Groups[2].Value);
        Assert.InRange(bytes, 1, 100_000_000);
        Assert.Equal((bytes / 20.0).ToString("F1", CultureInfo.InvariantCulture), match.Groups[3].Value);
    }

    [Fact]
    public async Task Serve_without_report_allocations_prints_no_allocations_line()
    {
        await using var serve = await ServeProcess.StartAsync("--threads", "1");
        using (var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Bounded.Timeout })
        {
            Assert.Equal("Hello, World!", await client.GetStringAsync(new Uri(serve.BaseAddress, "/plaintext")));
        }

        var exit = await serve.SignalAsync("INT");

        Assert.Equal(0, exit.Code);
        Assert.DoesNotContain(serve.Output, l => l.Contains("allocations:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--report-allocations=yes")]
    [InlineData("--report-allocations", "1")]
    public async Task Report_allocations_given_a_value_is_one_line_naming_the_flag_and_exit_2(params string[] args)
    {
        await using var serve = ServeProcess.Launch(["--threads", "1", .. args]);
        var exit = await serve.WaitForExitAsync();

        Assert.Equal(2, exit.Code);
        var error = Assert.Single(serve.Errors);
        Assert.Contains("--report-allocations", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^allocations: (\d+) bytes in (\d+) requests \(([0-9.]+) bytes/request\)$")]
    private static partial Regex AllocationsLine();

    private sealed partial class ServeProcess
    {
        /// <summary>Sends <paramref name="signal"/> and returns; the process keeps running unless the signal ends it.</summary>
        public async Task SendAsync(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }
    }
}
