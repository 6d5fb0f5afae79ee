using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// <c>testbed serve</c> as a user runs it: the real binary in its own process, real signals.
/// </summary>
public sealed partial class ServeProcessSpecs
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Sigint_under_load_exits_0_within_5_seconds_and_logs_no_error()
    {
        await using var serve = await ServeProcess.StartAsync("--threads", "2");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Bounded.Timeout };
        using var load = new CancellationTokenSource();
        var completed = new StrongBox<int>();
        var workers = Enumerable.Range(0, 8).Select(_ => LoadAsync(client, serve.BaseAddress, completed, load.Token)).ToArray();
        await Bounded.UntilAsync(() => Volatile.Read(ref completed.Value) > 50, "load to get going");

        var exit = await serve.SignalAsync("INT");
        await load.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(0, exit.Code);
        Assert.True(exit.Took < ExitDeadline, $"exit took {exit.Took}");
        Assert.DoesNotContain(serve.Output, line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_that_waits_out_a_request_in_flight_past_2_seconds_still_exits_0()
    {
        // A body that stops halfway keeps its request in flight, so the stop waits the engine's 3 s for it before
        // aborting it: past System.CommandLine's default of 2 s, which ended such a stop with exit 130.
        await using var serve = await ServeProcess.StartAsync("--threads", "1");
        using var client = await RawConnection.OpenAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, serve.BaseAddress.Port));
        await client.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello");
        await Task.Delay(200);

        var exit = await serve.SignalAsync("INT");

        Assert.Equal(0, exit.Code);
        Assert.True(exit.Took > TimeSpan.FromSeconds(2.5), $"the stop took {exit.Took}, so it did not wait for the request in flight");
        Assert.True(exit.Took < TimeSpan.FromSeconds(10), $"exit took {exit.Took}");
    }

    [Fact]
    public async Task A_second_server_on_the_same_port_fails_with_one_line_naming_EADDRINUSE()
    {
        await using var first = await ServeProcess.StartAsync("--threads", "2");

        await using var second = ServeProcess.Launch("--threads", "2", "--port", first.BaseAddress.Port.ToString());
        var exit = await second.WaitForExitAsync();

        Assert.Equal(1, exit.Code);
        var line = Assert.Single(second.Errors);
        Assert.Contains("EADDRINUSE", line, StringComparison.Ordinal);
        Assert.Contains(first.BaseAddress.Port.ToString(), line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 1)]
    [InlineData("8", 4)]
    [InlineData("64", 16)]
    public async Task Without_threads_it_runs_half_as_many_loops_as_cores_from_1_to_16(string cores, int loops)
    {
        // The runtime takes its processor count from DOTNET_PROCESSOR_COUNT, so the default is checked for machines this is not.
        await using var serve = await ServeProcess.StartAsync(null, new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = cores });

        Assert.Contains(serve.Output, line => line.Contains($"with {loops} loop threads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configured_connection_limit_closes_the_connection_over_it_unanswered_and_serves_again_under_it()
    {
        var limit = new Dictionary<string, string> { ["TESTBED__LIMITS__MAXCONCURRENTCONNECTIONS"] = "1" };
        await using var serve = await ServeProcess.StartAsync(null, limit, "--threads", "1");
        var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, serve.BaseAddress.Port);
        var first = await RawConnection.OpenAsync(endPoint);
        await first.SendAsync("GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await first.ReadResponseAsync()).Status);

        using (var over = await RawConnection.OpenAsync(endPoint))
        {
            var (bytes, _) = await over.ReadUntilClosedAsync();
            Assert.Empty(bytes);
        }

        first.Dispose();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        await Bounded.UntilAsync(
            async () =>
            {
                try
                {
                    return await client.GetStringAsync(new Uri(serve.BaseAddress, "/plaintext")) == "Hello, World!";
                }
                catch (HttpRequestException)
                {
                    return false; // Still counted open until the server has closed the first one.
                }
            },
            "a connection under the limit to be served");
    }

    [Theory]
    [InlineData("TESTBED__LIMITS__MINRESPONSEDATARATE", "fast", "Testbed:Limits:MinResponseDataRate")]
    [InlineData("TESTBED__PORT", "70000", "Testbed:Port")]
    [InlineData("TESTBED__THREADS", "0", "Testbed:Threads")]
    [InlineData("TESTBED__ROOT", "/nonexistent/site", "Testbed:Root")]
    [InlineData("TESTBED__ADDRESS", "localhost:80", "Testbed:Address")]
    public async Task A_bad_value_in_configuration_is_one_line_naming_its_key_and_exit_2(string variable, string value, string key)
    {
        var bad = new Dictionary<string, string> { [variable] = value };
        await using var serve = ServeProcess.Launch(null, bad, variable == "TESTBED__THREADS" ? Array.Empty<string>() : new[] { "--threads", "1" });
        var exit = await serve.WaitForExitAsync();

        Assert.Equal(2, exit.Code);
        var line = Assert.Single(serve.Errors);
        Assert.Contains(key, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flooded_past_its_descriptor_limit_it_survives_keeps_serving_logs_a_few_lines_and_answers_again_after()
    {
        // Two loops, as the crash was reported: the old listener logged EMFILE in a tight loop, then the thread pool,
        // unable to start a thread without free descriptors, ended the process ("Out of memory.", exit 134).
        await using var serve = await ServeProcess.StartAsync(256, "--threads", "2");
        var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, serve.BaseAddress.Port);
        using var kept = await RawConnection.OpenAsync(endPoint);

        // The host's startup lines come after "Listening on"; the flood's are counted from the last of them.
        await Bounded.UntilAsync(() => serve.Output.Any(line => line.Contains("Content root path", StringComparison.Ordinal)), "the host's startup lines");
        var linesBefore = serve.Output.Count + serve.Errors.Count;

        // 1,500 idle connections against 256 descriptors: the kernel completes many, the server cannot take them all.
        var flood = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 1_500; i++)
            {
                flood.Add(new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp));
            }

            await Task.WhenAll(flood.Select(async socket =>
            {
                try
                {
                    await socket.ConnectAsync(endPoint).WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or TimeoutException)
                {
                    // Refused while a listen socket is closed, or the backlog full: what a full server says.
                }
            }));

            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(serve.HasExited, "the server died under the flood");

            // A connection it already had is still served.
            await kept.SendAsync("GET /plaintext HTTP/1.1\r\nHost: a\r\n\r\n");
            var during = await kept.ReadResponseAsync();
            Assert.Equal(200, during.Status);
        }
        finally
        {
            flood.ForEach(socket => socket.Dispose());
        }

        // Descriptors free up: new connections are answered again.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        await Bounded.UntilAsync(
            async () =>
            {
                try
                {
                    return (await client.GetStringAsync(new Uri(serve.BaseAddress, "/plaintext"))) == "Hello, World!";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            "the server to answer new connections after the flood");

        var logged = serve.Output.Count + serve.Errors.Count - linesBefore;
        Assert.False(serve.HasExited);
        // Two lines an entry, a pause and a resume an episode, an episode or two a loop: the old listener logged thousands.
        Assert.True(logged <= 16, $"the flood logged {logged} lines:\n{string.Join('\n', serve.Output.TakeLast(20))}");
    }

    private static async Task LoadAsync(HttpClient client, Uri server, StrongBox<int> completed, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(server, "/bytes/100000"), stop);
                await response.Content.CopyToAsync(Stream.Null, stop);
                Interlocked.Increment(ref completed.Value);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server is going away under us: that is the point of the spec.
            }
        }
    }

    /// <summary>The built <c>testbed</c> next to the specs, run with <c>dotnet</c> from bash, its output collected.</summary>
    private sealed partial class ServeProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _output = [];
        private readonly List<string> _errors = [];

        private ServeProcess(Process process)
        {
            _process = process;
        }

        public Uri BaseAddress => _listening.Task.Result;

        public bool HasExited => _process.HasExited;

        public IReadOnlyList<string> Output
        {
            get
            {
                lock (_output)
                {
                    return [.. _output];
                }
            }
        }

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public static ServeProcess Launch(params string[] args) => Launch(null, args);

        /// <summary>Launches it with its descriptor limit (<c>ulimit -n</c>) set to <paramref name="openFiles"/> when given.</summary>
        public static ServeProcess Launch(int? openFiles, params string[] args) => Launch(openFiles, new Dictionary<string, string>(), args);

        /// <summary>Launches it with <paramref name="environment"/> added, as a deployment configures it (<c>TESTBED__...</c>).</summary>
        public static ServeProcess Launch(int? openFiles, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            // Started the way a script's background job is: with SIGINT ignored, which exec keeps.
            var limit = openFiles is { } n ? $"ulimit -n {n}; " : string.Empty;
            var start = new ProcessStartInfo("bash")
            {
                ArgumentList = { "-c", limit + "trap '' INT; exec \"$0\" \"$@\"", "dotnet", Path.Combine(AppContext.BaseDirectory, "testbed.dll"), "serve" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            // An ephemeral port unless the spec names one, by flag or configuration; the real port is read from the log.
            foreach (var arg in args.Contains("--port") || environment.ContainsKey("TESTBED__PORT") ? args : [.. args, "--port", "0"])
            {
                start.ArgumentList.Add(arg);
            }

            var serve = new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
            serve._process.OutputDataReceived += (_, e) => serve.OnOutput(e.Data);
            serve._process.ErrorDataReceived += (_, e) => serve.OnError(e.Data);
            serve._process.BeginOutputReadLine();
            serve._process.BeginErrorReadLine();
            return serve;
        }

        public static Task<ServeProcess> StartAsync(params string[] args) => StartAsync(null, args);

        public static Task<ServeProcess> StartAsync(int? openFiles, params string[] args) => StartAsync(openFiles, new Dictionary<string, string>(), args);

        public static async Task<ServeProcess> StartAsync(int? openFiles, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var serve = Launch(openFiles, environment, args);
            await serve._listening.Task.WaitAsync(Bounded.Timeout);
            return serve;
        }

        public async Task<(int Code, TimeSpan Took)> SignalAsync(string signal)
        {
            var start = TimeProvider.System.GetTimestamp();
            using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]))
            {
                await kill.WaitForExitAsync();
            }

            var exit = await WaitForExitAsync();
            return (exit.Code, TimeProvider.System.GetElapsedTime(start));
        }

        public async Task<(int Code, TimeSpan Took)> WaitForExitAsync()
        {
            var start = TimeProvider.System.GetTimestamp();
            using var timeout = new CancellationTokenSource(Bounded.Timeout);
            await _process.WaitForExitAsync(timeout.Token);
            return (_process.ExitCode, TimeProvider.System.GetElapsedTime(start));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void OnOutput(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Add(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri($"http://{match.Groups[1].Value}/"));
            }
        }

        private void OnError(string? line)
        {
            if (line is not null)
            {
                lock (_errors)
                {
                    _errors.Add(line);
                }
            }
        }

        [GeneratedRegex(@"Listening on http://(\S+) with")]
        private static partial Regex ListeningLine();
    }
}
