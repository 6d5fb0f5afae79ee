using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Testbed.Specs.Http;
using Testbed.Specs.Http.Support;
using Testbed.Specs.Integration.Support;
using Xunit.Abstractions;

namespace Testbed.Specs.Conformance;

/// <summary>
/// The public corpora over real sockets: the shared runner (<c>rawcheck.py</c>) drives the native server
/// serving the CLI's built-in routes, exactly as a user would score it. Every case must pass except the
/// documented deviations (docs/conformance.md), and every deviation must still fail, so the list stays true.
/// </summary>
/// <remarks>
/// The runner gives each case a 0.5 s idle window measured by a Python process. On a loaded 2-core machine
/// that process can itself be descheduled for longer, so a case that fails in the full run is run again
/// alone, twice; only a case that fails every time counts. The trace of this spec showed such misses with
/// the server's response completed within milliseconds. The same holds the other way: a deviation that expects
/// no response yet passes when the window is missed, so it counts as healed only if it passes alone too.
/// </remarks>
public sealed class RawcheckSpec(ITestOutputHelper output)
{
    private const int Reruns = 2;

    [CorpusFact]
    public async Task Every_scored_case_passes_except_the_documented_deviations()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        await WarmUpAsync(server.EndPoint);
        var runs = ConformanceCorpus.Files.Select(file => RunAsync(server.EndPoint.Port, file)).ToArray();
        var results = (await Task.WhenAll(runs)).SelectMany(r => r).ToList();
        var deviations = DeviationList.Build();
        var unexpected = await ConfirmAsync(server.EndPoint.Port, results.Where(r => r.Pass is false && !deviations.ContainsKey(r.Id)));
        var failed = results.Where(r => r.Pass is false).Select(r => r.Id).ToHashSet();
        var healed = await ConfirmHealedAsync(server.EndPoint.Port, deviations.Keys.Where(id => !failed.Contains(id)).Order());
        var scored = results.Count(r => r.Pass is not null);
        output.WriteLine($"{results.Count} cases, {scored} scored: {scored - failed.Count} passed, {failed.Count} failed, of which {deviations.Count} are documented deviations");

        Assert.True(results.Count >= 490, $"expected the whole corpora, ran {results.Count} cases");
        Assert.Empty(unexpected);
        Assert.Empty(results.Where(r => r.Pass is true && !AnsweredAsStrictlyExpected(r)).Select(r => $"{r.Id}: statuses [{string.Join(",", r.Statuses)}]"));
        Assert.Empty(healed);
        server.Log.AssertNoErrors();
    }

    /// <summary>
    /// rawcheck.py lets a close after the ok answers count as rejecting what follows; a row of our own that names
    /// <c>then_status</c> wants that status on the wire: a bad request after a good one gets its answer.
    /// </summary>
    private static bool AnsweredAsStrictlyExpected(CaseResult result) =>
        !ConformanceCorpus.Cases[result.Id].Expect.TryGetProperty("then_status", out var statuses)
        || (result.Statuses.Count == 2 && statuses.EnumerateArray().Any(s => s.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) == result.Statuses[1]));

    /// <summary>Runs each failing case alone again; returns the ones that never pass.</summary>
    private async Task<List<string>> ConfirmAsync(int port, IEnumerable<CaseResult> failures)
    {
        var confirmed = new List<string>();
        foreach (var failure in failures)
        {
            output.WriteLine($"FAIL {failure.Id}: statuses=[{string.Join(",", failure.Statuses)}] closed={failure.Closed} {failure.Why}");
            var file = ConformanceCorpus.Cases[failure.Id].File;
            var passedOnRerun = false;
            for (var i = 0; i < Reruns && !passedOnRerun; i++)
            {
                var rerun = await RunAsync(port, file, "^" + System.Text.RegularExpressions.Regex.Escape(failure.Id) + "$");
                passedOnRerun = rerun.Single() is { Pass: true } again && AnsweredAsStrictlyExpected(again);
            }

            output.WriteLine(passedOnRerun ? "  passed when run alone: a client-side timing miss" : "  failed again when run alone");
            if (!passedOnRerun)
            {
                confirmed.Add(failure.Id);
            }
        }

        return confirmed;
    }

    /// <summary>
    /// Runs each deviation that passed alone again; returns the ones that pass every time. A deviation whose
    /// expectation is "no response yet" passes by accident when the machine is slow enough to miss the window.
    /// </summary>
    private async Task<List<string>> ConfirmHealedAsync(int port, IEnumerable<string> passed)
    {
        var healed = new List<string>();
        foreach (var id in passed)
        {
            var file = ConformanceCorpus.Cases[id].File;
            var failedOnRerun = false;
            for (var i = 0; i < Reruns && !failedOnRerun; i++)
            {
                var rerun = await RunAsync(port, file, "^" + System.Text.RegularExpressions.Regex.Escape(id) + "$");
                failedOnRerun = rerun.Single() is { Pass: false };
            }

            output.WriteLine(failedOnRerun ? $"PASS {id}, a deviation, failed again when run alone: a client-side timing miss" : $"PASS {id}, a deviation, passes alone too: healed");
            if (!failedOnRerun)
            {
                healed.Add(id);
            }
        }

        return healed;
    }

    /// <summary>
    /// A cold process compiles each request path on first use; exercise them once so the first cases
    /// measure the server, not the JIT.
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
            using var client = new TcpClient();
            await client.ConnectAsync(endPoint);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            client.Client.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await stream.CopyToAsync(Stream.Null, timeout.Token);
        }
    }

    private static async Task<List<CaseResult>> RunAsync(int port, string file, string? only = null)
    {
        var json = Path.Combine(Path.GetTempPath(), $"rawcheck-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { Path.Combine(ConformanceCorpus.Directory!, "rawcheck.py"), port.ToString(), ConformanceCorpus.PathOf(file), "--json", json },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (only is not null)
        {
            start.ArgumentList.Add("--only");
            start.ArgumentList.Add(only);
        }

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
