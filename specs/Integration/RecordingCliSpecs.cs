using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed serve --record</c>'s flags: a bad one is one line naming it and exit 2, before anything starts.</summary>
public sealed class RecordingCliSpecs
{
    [Theory]
    [InlineData("--record-bodies", "all", "--record-bodies: 'all' is not one of none, hash, full")]
    [InlineData("--record-bodies", "Hash", "--record-bodies: 'Hash' is not one of none, hash, full")]
    [InlineData("--record-max-bytes", "lots", "--record-max-bytes: 'lots' is not a whole number")]
    [InlineData("--record-max-bytes", "0", "--record-max-bytes must be between 1 and")]
    public async Task A_bad_record_flag_is_one_line_naming_it_and_exit_2(string flag, string value, string message)
    {
        var result = await TestbedCli.RunAsync("serve", "--port", "0", "--record", Path.Combine(Path.GetTempPath(), "never-written.jsonl"), flag, value);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("testbed: " + message, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--record-bodies", "full")]
    [InlineData("--record-max-bytes", "1000")]
    public async Task A_record_companion_without_record_is_one_line_and_exit_2(string flag, string value)
    {
        var result = await TestbedCli.RunAsync("serve", "--port", "0", flag, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"testbed: {flag} needs --record FILE", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task A_record_file_that_cannot_be_created_is_one_line_and_exit_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "r.jsonl");

        var result = await TestbedCli.RunAsync("serve", "--port", "0", "--threads", "1", "--record", path);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"testbed: --record: cannot create {path}: ", line, StringComparison.Ordinal);
        Assert.Empty(result.OutputLines);
    }
}
