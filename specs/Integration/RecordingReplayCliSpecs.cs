using Testbed.Specs.Integration.Support;
using Testbed.Specs.Simulator;
using Testbed.Specs.Support;
using Testbed.Transports.Recording;
using static Testbed.Specs.Simulator.RecordingBuilder;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed replay --recording FILE</c>: a real server's recording replayed on the mock, compared, judged, and saved as a case.</summary>
public sealed class RecordingReplayCliSpecs
{
    private static Recording Recorded(bool edited = false) => new RecordingBuilder()
        .Accept(100, 1).Read(200, 1, Get).Write(400, 1, Plaintext)
        .Read(10_000, 1, edited ? Get.Replace("/plaintext", "/plaintexT", StringComparison.Ordinal) : Get).Write(10_200, 1, Plaintext)
        .Accept(20_000, 2).Read(20_100, 2, Get).Write(20_300, 2, Plaintext)
        .Eof(30_000, 1).Close(30_000, 1).Eof(31_000, 2).Close(31_000, 2)
        .Build();

    [Fact]
    public async Task A_recording_that_replays_as_recorded_prints_its_plan_its_verdicts_and_its_trace_hash_and_exits_0()
    {
        using var file = new TempFile();
        Recorded().Save(file.Path);

        var run = await TestbedCli.RunAsync("replay", "--recording", file.Path, "--tail", "3");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, run.OutputLines.Length);
        Assert.Contains("2 connections over 0.031000 s, 1 loops, bodies=full, started 2026-03-01T12:00:00.0000000+00:00", run.Error, StringComparison.Ordinal);
        Assert.Contains("settings used: App=builtin; app builtin", run.Error, StringComparison.Ordinal);
        Assert.Contains("  connection 1: loop 0, accepted at 0.000100 s, 2 reads (72 bytes), FIN, 2 writes (264 bytes)", run.Error, StringComparison.Ordinal);
        Assert.Contains("  connection 2 (loop 0): match, 132 of 132 bytes, 1 write boundaries compared", run.Error, StringComparison.Ordinal);
        Assert.Contains("output: every connection matches the recording (2 connections)", run.Error, StringComparison.Ordinal);
        Assert.Contains("invariants: every invariant held", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"scenario=recording seed=\d+ result=pass requests=3 events=\d+ virtual_seconds=\S+ trace_hash=[0-9a-f]{16}", run.Error);
    }

    [Fact]
    public async Task A_divergence_exits_1_naming_the_connection_the_write_and_the_offset()
    {
        using var file = new TempFile();
        Recorded(edited: true).Save(file.Path);

        var run = await TestbedCli.RunAsync("replay", "--recording", file.Path, "--tail", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"output: 1 of 2 connections diverge; the first: connection 1, write 2, offset {Plaintext.Length + 9}: expected hash ", run.Error, StringComparison.Ordinal);
        Assert.Contains("\"200 OK\\r\\nDate: Sun, 01 Ma\"", run.Error, StringComparison.Ordinal);
        Assert.Contains("\"404 Not Found\\r\\nDate: Sun\"", run.Error, StringComparison.Ordinal);
        Assert.Contains("invariants: every invariant held", run.Error, StringComparison.Ordinal);
        Assert.Contains("result=fail:matches-recording", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_recording_replays_to_the_trace_it_printed_before()
    {
        using var file = new TempFile();
        using var trace = new TempFile();
        Recorded().Save(file.Path);
        var first = await TestbedCli.RunAsync("replay", "--recording", file.Path);
        await File.WriteAllTextAsync(trace.Path, first.Output);

        var second = await TestbedCli.RunAsync("replay", "--recording", file.Path, "--trace", trace.Path);

        Assert.Equal(0, second.ExitCode);
        Assert.Contains("the replay's trace is the original's, line for line", second.Error, StringComparison.Ordinal);
        Assert.Equal(first.ErrorLines.Single(l => l.StartsWith("scenario=", StringComparison.Ordinal)), second.ErrorLines.Single(l => l.StartsWith("scenario=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_saved_case_replays_and_shrinks_from_its_file()
    {
        using var file = new TempFile();
        using var saved = new TempFile();
        using var shrunk = new TempFile();
        Recorded(edited: true).Save(file.Path);
        Assert.Equal(1, (await TestbedCli.RunAsync("replay", "--recording", file.Path, "--save-case", saved.Path)).ExitCode);

        var replay = await TestbedCli.RunAsync("replay", "--case", saved.Path);
        var shrink = await TestbedCli.RunAsync("shrink", "--case", saved.Path, "--out", shrunk.Path);

        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("broke matches-recording", replay.Error, StringComparison.Ordinal);
        Assert.Equal(0, shrink.ExitCode);
        Assert.Contains("shrunk matches-recording", shrink.Output, StringComparison.Ordinal);
        Assert.Contains("\"recording\":[", await File.ReadAllTextAsync(shrunk.Path), StringComparison.Ordinal);
        Assert.Equal(1, (await TestbedCli.RunAsync("replay", "--case", shrunk.Path)).ExitCode);
    }

    [Fact]
    public async Task A_missing_recording_is_one_line_and_exit_2()
    {
        var run = await TestbedCli.RunAsync("replay", "--recording", "/nonexistent/recording.jsonl");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["testbed: --recording: file not found: /nonexistent/recording.jsonl"], run.ErrorLines);
    }

    [Fact]
    public async Task A_malformed_recording_is_one_line_naming_its_line_and_exit_2()
    {
        using var file = new TempFile();
        var lines = RecordingScenarioText(Recorded()).Split('\n');
        lines[3] = "{\"t\":5,";
        await File.WriteAllTextAsync(file.Path, string.Join('\n', lines));

        var run = await TestbedCli.RunAsync("replay", "--recording", file.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"testbed: {file.Path}:4: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_without_request_bytes_is_one_line_and_exit_2()
    {
        using var file = new TempFile();
        new RecordingBuilder(bodies: RecordBodies.None).Accept(100, 1).Read(200, 1, Get).Write(400, 1, Plaintext).Build().Save(file.Path);

        var run = await TestbedCli.RunAsync("replay", "--recording", file.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("holds no request bytes to replay", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_of_an_app_the_command_does_not_know_is_one_line_and_exit_2()
    {
        using var file = new TempFile();
        new RecordingBuilder(settings: new Dictionary<string, string> { ["App"] = "shop" }).Accept(100, 1).Build().Save(file.Path);

        var run = await TestbedCli.RunAsync("replay", "--recording", file.Path);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("the recording's app is 'shop', and this command knows only 'builtin'", line, StringComparison.Ordinal);
    }

    private static string RecordingScenarioText(Recording recording) => Testbed.Simulator.Recordings.RecordingScenario.Format(recording);
}
