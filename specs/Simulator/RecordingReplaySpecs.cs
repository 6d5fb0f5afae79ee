using System.Text.RegularExpressions;
using Testbed.Cli.Routes;
using Testbed.Engine.App;
using Testbed.Simulator.Recordings;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Shrinking;
using Testbed.Simulator.Snapshots;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Recording;
using static Testbed.Specs.Simulator.RecordingBuilder;

namespace Testbed.Specs.Simulator;

/// <summary>
/// A recording replayed against the unchanged engine on the mock: its connections on their loops, their reads at
/// their times, the output compared with the recorded one write boundary by write boundary, every invariant watching.
/// </summary>
public sealed partial class RecordingReplaySpecs
{
    private static readonly RequestDelegate BuiltIn = new BuiltInRoutes(null).HandleAsync;

    /// <summary>Two connections: keep-alive requests one after the other on the first, two pipelined in one read on the second, both ending with the client's FIN.</summary>
    private static RecordingBuilder KeepAliveAndPipelined(RecordBodies bodies = RecordBodies.Full) => new RecordingBuilder(bodies: bodies)
        .Accept(100, 1)
        .Read(200, 1, Get).Write(400, 1, Plaintext)
        .Read(10_000, 1, Get).Write(10_200, 1, Plaintext)
        .Accept(20_000, 2)
        .Read(20_100, 2, Get + Get).Write(20_300, 2, Plaintext + Plaintext)
        .Eof(30_000, 1).Close(30_000, 1)
        .Eof(31_000, 2).Close(31_000, 2);

    [Theory]
    [InlineData(RecordBodies.Full)]
    [InlineData(RecordBodies.Hash)]
    public void Keep_alive_and_pipelined_requests_replay_byte_for_byte(RecordBodies bodies)
    {
        var scenario = new RecordingScenario(KeepAliveAndPipelined(bodies).Build(), BuiltIn);

        var result = scenario.Replay(new RunOptions { Trace = true });

        Assert.True(result.Passed, result.Failure?.Detail);
        var report = scenario.LastReport!;
        Assert.True(report.Matches);
        Assert.All(report.Connections, c => Assert.Equal(c.RecordedBytes, c.ReplayedBytes));
        Assert.Equal([2, 1], report.Connections.Select(c => c.ComparedWrites));
        Assert.Equal(4, result.Requests);
        Assert.All(report.Connections, c => Assert.Null(c.CloseNote));
    }

    [Fact]
    public void The_server_cutting_its_output_into_other_writes_still_matches()
    {
        // The real server wrote each head and body apart; the simulated one coalesces them.
        var head = Plaintext[..^13];
        var recording = new RecordingBuilder()
            .Accept(100, 1)
            .Read(200, 1, Get).Write(400, 1, head).Write(460, 1, "Hello, World!")
            .Read(10_000, 1, Get).Write(10_200, 1, head[..10]).Write(10_260, 1, head[10..] + "Hello, World!")
            .Eof(30_000, 1).Close(30_000, 1)
            .Build();
        var scenario = new RecordingScenario(recording, BuiltIn);

        var result = scenario.Replay();

        Assert.True(result.Passed, result.Failure?.Detail);
        Assert.Equal(4, scenario.LastReport!.Connections[0].ComparedWrites);
    }

    [Fact]
    public void What_the_simulated_app_writes_past_the_recorded_output_of_a_reset_connection_waits_for_the_reset_and_is_noted_not_failed()
    {
        // The real app had written nothing by the time the client reset; the simulated one answers at once. Its
        // writes wait for the reset and fail with it, so it gets no further than its in-flight and buffer bounds.
        var recording = new RecordingBuilder()
            .Accept(100, 1).Read(200, 1, "GET /bytes/1048576 HTTP/1.1\r\nHost: x\r\n\r\n").Reset(50_000, 1).Close(50_100, 1)
            .Build();
        var scenario = new RecordingScenario(recording, BuiltIn);

        var result = scenario.Replay(new RunOptions { Trace = true });

        Assert.True(result.Passed, result.Failure?.Detail);
        var connection = Assert.Single(scenario.LastReport!.Connections);
        Assert.True(connection.Matches);
        Assert.InRange(connection.ReplayedBytes, 1, 4 * 65_536 + 1_000);
        Assert.Contains($"handed {connection.ReplayedBytes} bytes more to the socket before the connection broke", connection.CloseNote, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_s_trace_is_pinned_as_a_snapshot_like_any_run_s()
    {
        var result = new RecordingScenario(KeepAliveAndPipelined().Build(), BuiltIn).Replay(new RunOptions { Trace = true });

        Assert.True(result.Passed, result.Failure?.Detail);
        SnapshotStore.Verify(TraceSummary.Of(result, "keep-alive and pipelined requests, replayed from a recording"), GetType());
    }

    [Fact]
    public void The_same_recording_replays_twice_to_the_same_trace()
    {
        var recording = KeepAliveAndPipelined().Build();

        var first = new RecordingScenario(recording, BuiltIn).Replay(new RunOptions { Trace = true });
        var second = new RecordingScenario(Reread(recording), BuiltIn).Replay(new RunOptions { Trace = true });

        Assert.NotNull(first.TraceHash);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Trace, second.Trace);
    }

    [Theory]
    [InlineData(RecordBodies.Full, 1 + 9)]
    [InlineData(RecordBodies.Hash, 1)]
    public void A_changed_byte_is_reported_at_its_connection_write_and_offset(RecordBodies bodies, int offsetIntoWrite)
    {
        // The second request of connection 1 asks for /plaintexT: a 404 where the recording has a 200.
        var edited = KeepAliveAndPipelined(bodies).Build();
        var events = edited.Events.Select(e => e is { Connection: 1, Kind: RecordedKind.Read, Micros: 10_000 }
            ? e with { Bytes = e.Bytes!.Select((b, i) => i == 13 ? (byte)'T' : b).ToArray() }
            : e).ToList();
        var scenario = new RecordingScenario(new Recording(edited.Header, events, edited.Footer), BuiltIn);

        var result = scenario.Replay();

        Assert.Equal(RecordingScenario.MatchInvariant, result.Failure?.Invariant);
        var divergence = scenario.LastReport!.FirstDivergence!;
        Assert.Equal(1, divergence.Connection);
        Assert.Equal(2, divergence.Write);
        Assert.Equal(Plaintext.Length - 1 + offsetIntoWrite, divergence.Offset);
        Assert.True(scenario.LastReport.Connections[1].Matches, "connection 2 is untouched");
        if (bodies == RecordBodies.Full)
        {
            Assert.Contains("\"200 OK\\r\\n", divergence.Expected);
            Assert.Contains("\"404 Not Found", divergence.Got);
        }
    }

    [Fact]
    public void A_dropped_read_is_reported_where_the_output_comes_up_short()
    {
        var edited = KeepAliveAndPipelined().Build();
        var events = edited.Events.Where(e => e is not { Connection: 2, Kind: RecordedKind.Read }).ToList();
        var scenario = new RecordingScenario(new Recording(edited.Header, events, edited.Footer), BuiltIn);

        var result = scenario.Replay();

        Assert.False(result.Passed);
        Assert.Equal(new ReplayDivergence(2, 1, 0, $"{2 * Plaintext.Length} bytes through write 1 \"{Escape(Plaintext[..24])}\"", "0 bytes in all (end of output)"), scenario.LastReport!.FirstDivergence);
        Assert.True(scenario.LastReport.Connections[0].Matches);
    }

    [Fact]
    public void A_two_loop_recording_keeps_its_loop_assignment()
    {
        var recording = new RecordingBuilder(loops: 2)
            .Accept(100, 1, loop: 1).Accept(150, 2, loop: 0).Accept(170, 3, loop: 1)
            .Read(200, 1, Get).Write(400, 1, Plaintext)
            .Read(220, 2, Get).Write(420, 2, Plaintext)
            .Read(240, 3, Get).Write(440, 3, Plaintext)
            .Eof(1_000, 1).Eof(1_000, 2).Eof(1_000, 3)
            .Build();
        var scenario = new RecordingScenario(recording, BuiltIn);

        var result = scenario.Replay(new RunOptions { Trace = true });

        Assert.True(result.Passed, result.Failure?.Detail);
        Assert.Equal([1, 0, 1], scenario.LastReport!.Connections.Select(c => c.Loop));
        var listeners = ListenLine().Matches(result.Trace!).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, listeners.Count);
        Assert.Contains($"net.connect k1 -> {listeners[1]}\n", result.Trace);
        Assert.Contains($"net.connect k2 -> {listeners[0]}\n", result.Trace);
        Assert.Contains($"net.connect k3 -> {listeners[1]}\n", result.Trace);
    }

    [Fact]
    public void Reads_arrive_and_writes_complete_at_their_recorded_times()
    {
        var scenario = new RecordingScenario(KeepAliveAndPipelined().Build(), BuiltIn);

        var trace = scenario.Replay(new RunOptions { Trace = true }).Trace!;

        Assert.Matches(@"\n\d+ 0\.010000 cb\.read h\d+ n=36\n", trace);
        Assert.Matches(@"\n\d+ 0\.010250 cb\.write w\d+ status=0\n", trace);
        Assert.Matches(@"\n\d+ 0\.030000 cb\.read h\d+ status=EOF\n", trace);
    }

    [Fact]
    public void A_case_of_the_replay_holds_the_recording_and_reproduces_it()
    {
        var recording = KeepAliveAndPipelined().Build();
        var scenario = new RecordingScenario(recording, BuiltIn);
        var choices = new RecordingChoices(scenario.DefaultChoices(scenario.Spec));
        var original = scenario.Replay(new RunOptions { Trace = true, Choices = choices });

        var saved = FailureCase.Parse(new FailureCase(scenario.Spec, RecordingScenario.MatchInvariant, choices.Log) { Recording = recording }.Format());
        var again = saved.Run(new RunOptions { Trace = true }, new RecordingScenario(saved.Recording!, BuiltIn));

        Assert.Equal(RecordingScenario.Format(recording), RecordingScenario.Format(saved.Recording!));
        Assert.Equal(original.TraceHash, again.TraceHash);
        Assert.Equal(1 + 3 + 1 + 2, choices.Log.Count);
    }

    [Fact]
    public void A_shrink_drops_the_connections_and_reads_a_divergence_does_not_need()
    {
        var edited = KeepAliveAndPipelined().Build();
        var events = edited.Events.Select(e => e is { Connection: 2, Kind: RecordedKind.Read }
            ? e with { Bytes = e.Bytes!.Select((b, i) => i == 13 ? (byte)'T' : b).ToArray() }
            : e).ToList();
        var recording = new Recording(edited.Header, events, edited.Footer);
        var scenario = new RecordingScenario(recording, BuiltIn);
        var choices = new RecordingChoices(scenario.DefaultChoices(scenario.Spec));
        Assert.False(scenario.Replay(new RunOptions { Choices = choices }).Passed);

        var shrunk = new Shrinker(scenario, scenario.Spec, RecordingScenario.MatchInvariant, new ShrinkLimits(MaxSeconds: 60)).Shrink(choices.Log);

        // Connection 1 goes whole (one choice), connection 2 keeps its one read and drops its FIN.
        Assert.Equal([0, 1, 1, 0], shrunk.Choices.Select(c => c.Value));
        var result = new FailureCase(scenario.Spec, RecordingScenario.MatchInvariant, shrunk.Choices).Run(scenario: scenario);
        Assert.Equal(RecordingScenario.MatchInvariant, result.Failure?.Invariant);
        Assert.Equal(2, scenario.LastReport!.FirstDivergence!.Connection);
    }

    [Fact]
    public void The_settings_of_the_recording_are_the_server_s()
    {
        var recording = new RecordingBuilder(settings: new Dictionary<string, string>
        {
            ["App"] = "builtin",
            ["Limits:MaxRequestBufferSize"] = "unlimited",
            ["Limits:KeepAliveTimeout"] = "7",
            ["Limits:MinResponseDataRate"] = "100/00:00:03",
            ["Limits:MinRequestBodyDataRate:BytesPerSecond"] = "0",
            ["ShutdownTimeout"] = "00:00:01.5",
            ["Port"] = "5000",
        }).Accept(100, 1).Read(200, 1, Get).Write(400, 1, Plaintext).Shutdown(8_000_100, 1).Close(8_000_200, 1).Build();
        var scenario = new RecordingScenario(recording, BuiltIn);
        var options = new Testbed.Engine.Hosting.TestbedServerOptions();

        scenario.Settings.ApplyTo(options);

        Assert.Null(options.Limits.MaxRequestBufferSize);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Limits.KeepAliveTimeout);
        Assert.Equal(new Testbed.Engine.Infrastructure.MinDataRate(100, TimeSpan.FromSeconds(3)), options.Limits.MinResponseDataRate);
        Assert.Null(options.Limits.MinRequestBodyDataRate);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.ShutdownTimeout);
        Assert.Equal(["Port"], scenario.Settings.Ignored.Select(s => s.Key));

        // The keep-alive timeout of 7 s, not 130 s, closes the idle connection: the replay's server is the recorded one.
        var result = scenario.Replay(new RunOptions { Trace = true });
        Assert.True(result.Passed, result.Failure?.Detail);
        Assert.Matches(@"\n\d+ 8\.\d+ srv\.timeout c1 KeepAlive\n", result.Trace!);
        Assert.Null(scenario.LastReport!.Connections[0].CloseNote);
    }

    [Theory]
    [InlineData("Limits:MaxRequestWidth", "3", "does not know that limit")]
    [InlineData("Limits:KeepAliveTimeout", "soon", "'soon' is not seconds or hh:mm:ss")]
    public void A_setting_it_cannot_use_is_refused(string key, string value, string problem)
    {
        var recording = new RecordingBuilder(settings: new Dictionary<string, string> { [key] = value }).Accept(100, 1).Build();

        var refused = Assert.Throws<RecordingReplayException>(() => new RecordingScenario(recording, BuiltIn));

        Assert.Contains(problem, refused.Message);
    }

    [Fact]
    public void A_recording_without_request_bytes_is_refused()
    {
        var recording = new RecordingBuilder(bodies: RecordBodies.None).Accept(100, 1).Read(200, 1, Get).Build();

        var refused = Assert.Throws<RecordingReplayException>(() => new RecordingScenario(recording, BuiltIn));

        Assert.Contains("holds no request bytes to replay", refused.Message);
    }

    /// <summary>
    /// A 10,000-byte echo whose one recorded write took a second to go out: with no response buffer the app waits on
    /// it, the 4 KiB input fills while the client's reads keep coming, and the engine must stop reading
    /// (input-backpressure watches; simulation/mutants/input-pause-ignored.patch makes it fire).
    /// </summary>
    internal static Recording SlowEcho()
    {
        var body = new string('e', 10_000);
        var head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n";
        var builder = new RecordingBuilder(bodies: RecordBodies.Hash, settings: new Dictionary<string, string>
        {
            ["App"] = "builtin",
            ["Limits:MaxRequestBufferSize"] = "4096",
            ["Limits:MaxResponseBufferSize"] = "0",
        }).Accept(100, 1).Read(200, 1, head + body[..2_000]);
        for (var i = 1; i < 5; i++)
        {
            builder.Read(200 + (i * 1_000), 1, body[(i * 2_000)..((i + 1) * 2_000)]);
        }

        return builder
            .Write(1_000, 1, "HTTP/1.1 200 OK\r\nDate: Sun, 01 Mar 2026 12:00:00 GMT\r\nServer: Testbed\r\nContent-Type: application/octet-stream\r\nContent-Length: 10000\r\n\r\n" + body, latency: 999_000)
            .Eof(1_500_000, 1).Close(1_500_000, 1)
            .Build();
    }

    [Fact]
    public void A_recording_that_fills_the_input_is_judged_by_input_backpressure()
    {
        var pauses = new PauseCounter();
        var scenario = new RecordingScenario(SlowEcho(), BuiltIn);

        var result = scenario.Replay(new RunOptions { Observers = [() => pauses] });

        Assert.True(result.Passed, result.Failure?.Detail);
        Assert.True(scenario.LastReport!.Matches);
        Assert.True(pauses.Paused > 0, "the input never filled: the recording does not exercise the limit");
    }

    [Fact]
    public void An_app_that_throws_on_a_recorded_connection_is_the_app_s_business_not_quiet_log_s()
    {
        var recording = new RecordingBuilder().Accept(100, 1).Read(200, 1, Get).Eof(1_000, 1).Build();
        var scenario = new RecordingScenario(recording, _ => throw new InvalidOperationException("the app's own bug"));

        var result = scenario.Replay();

        // The 500 the server wrote is not in the recording; nothing else breaks.
        Assert.Equal(RecordingScenario.MatchInvariant, result.Failure?.Invariant);
        Assert.Equal((1, 0L), (scenario.LastReport!.FirstDivergence!.Write, scenario.LastReport.FirstDivergence.Offset));
    }

    private sealed class PauseCounter : RunObserver
    {
        public int Paused { get; private set; }

        public override void InputRead(long connection, int bytes, bool paused) => Paused += paused ? 1 : 0;
    }

    private static Recording Reread(Recording recording) =>
        Recording.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(RecordingScenario.Format(recording))), "again");

    private static string Escape(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n");

    [GeneratedRegex(@"uv\.listen (h\d+) ")]
    private static partial Regex ListenLine();
}
