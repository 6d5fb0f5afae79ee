using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Testbed.Cli.Routes;
using Testbed.Engine.Hosting;
using Testbed.Specs.Http;
using Testbed.Specs.Http.Support;
using Testbed.Specs.Support;
using Testbed.Transports.Native;
using Xunit.Abstractions;

namespace Testbed.Specs.Conformance;

/// <summary>
/// The public corpora over real sockets: the shared runner (<c>rawcheck.py</c>) drives the native server
/// serving the CLI's built-in routes, exactly as a user would score it. Every case must pass except the
/// documented deviations (docs/conformance.md), and every deviation must still fail, so the list stays true.
/// </summary>
public sealed class RawcheckSpec(ITestOutputHelper output)
{
    [CorpusFact]
    public async Task Every_scored_case_passes_except_the_documented_deviations()
    {
        var logs = new CollectingLoggerProvider(Environment.GetEnvironmentVariable("RAWCHECK_TRACE") is null ? LogLevel.Warning : LogLevel.Trace);
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddTestbedServer(o =>
            {
                o.EndPoint = new IPEndPoint(IPAddress.Loopback, 0);
                o.ThreadCount = 2;
            })
            .UseApplication(new BuiltInRoutes(null).HandleAsync)
            .UseNativeLibuv();
        await using var provider = services.BuildServiceProvider();
        var server = provider.GetRequiredService<TestbedServer>();
        await server.StartAsync();
        try
        {
            await WarmUpAsync(server.EndPoint!);
            var runs = ConformanceCorpus.Files.Select(file => RunAsync(server.EndPoint!.Port, file)).ToArray();
            var results = (await Task.WhenAll(runs)).SelectMany(r => r).ToList();
            Judge(results);
        }
        finally
        {
            await server.StopAsync();
            if (Environment.GetEnvironmentVariable("RAWCHECK_TRACE") is { } traceFile)
            {
                await File.WriteAllLinesAsync(traceFile, logs.Entries);
            }
        }

        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Warning") || e.StartsWith("Error") || e.StartsWith("Critical"));
    }

    /// <summary>
    /// The runner gives each case a 0.5 s idle window. A cold process compiles the request paths on first
    /// use, so exercise them once first; otherwise the first cases measure the JIT, not the server.
    /// </summary>
    private static async Task WarmUpAsync(IPEndPoint endPoint)
    {
        string[] requests =
        [
            "GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n",
            "PUT /url HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc",
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=\"y\"\r\nabc\r\n0\r\nT: v\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"b\r\nhello\r\n0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n",
        ];
        foreach (var request in requests)
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(endPoint);
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await stream.CopyToAsync(Stream.Null, timeout.Token);
        }
    }

    private void Judge(List<CaseResult> results)
    {
        var deviations = DeviationList.Build();
        var failed = results.Where(r => r.Pass is false).Select(r => r.Id).ToHashSet();
        var unexpected = failed.Where(id => !deviations.ContainsKey(id)).Order().ToList();
        var healed = deviations.Keys.Where(id => !failed.Contains(id)).Order().ToList();
        var scored = results.Count(r => r.Pass is not null);
        output.WriteLine($"{results.Count} cases, {scored} scored, {scored - failed.Count} passed, {failed.Count} failed (all documented deviations: {unexpected.Count == 0})");
        foreach (var r in results.Where(r => unexpected.Contains(r.Id)))
        {
            output.WriteLine($"UNEXPECTED FAIL {r.Id}: statuses={string.Join(",", r.Statuses)} closed={r.Closed} {r.Why}");
        }

        Assert.True(results.Count >= 490, $"expected the whole corpora, ran {results.Count} cases");
        Assert.Empty(unexpected);
        Assert.Empty(healed);
    }

    private static async Task<List<CaseResult>> RunAsync(int port, string file)
    {
        var json = Path.Combine(Path.GetTempPath(), $"rawcheck-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { Path.Combine(ConformanceCorpus.Directory!, "rawcheck.py"), port.ToString(), Path.Combine(ConformanceCorpus.Directory!, file), "--json", json },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(File.Exists(json), $"rawcheck.py wrote no results for {file}: {await stderr}{await stdout}");
        try
        {
            return JsonSerializer.Deserialize<List<CaseResult>>(await File.ReadAllTextAsync(json), JsonOptions)!;
        }
        finally
        {
            File.Delete(json);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record CaseResult(string Id, bool? Pass, bool Disputable, List<string> Statuses, bool Closed, string Why);
}
