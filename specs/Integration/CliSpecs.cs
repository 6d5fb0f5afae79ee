using Testbed.Cli;

namespace Testbed.Specs.Integration;

/// <summary><c>testbed</c>'s command line: bad input is one line on stderr naming the flag, and exit code 2.</summary>
public sealed class CliSpecs
{
    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("--threads", "many")]
    [InlineData("--threads", "0")]
    [InlineData("--root", "/nonexistent")]
    [InlineData("--bogus", "1")]
    public async Task A_bad_flag_is_one_line_naming_it_and_exit_code_2(string flag, string value)
    {
        var error = new StringWriter { NewLine = "\n" };

        var exitCode = await TestbedCommandLine.RunAsync(["serve", flag, value], error);

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, exitCode);
        var line = Assert.Single(lines);
        Assert.Contains(flag, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "bogus" }, "unknown command 'bogus'")]
    [InlineData(new[] { "sweeep", "--seeds", "1..3" }, "unknown command 'sweeep'")]
    public async Task No_command_or_an_unknown_one_is_named_with_the_list_of_commands_and_exit_code_2(string[] args, string named)
    {
        var error = new StringWriter { NewLine = "\n" };

        var exitCode = await TestbedCommandLine.RunAsync(args, error);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Contains("serve, simulate, sweep, replay, shrink, report, snapshots", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flag_without_its_value_is_one_line_naming_it_and_exit_code_2()
    {
        var error = new StringWriter { NewLine = "\n" };

        var exitCode = await TestbedCommandLine.RunAsync(["serve", "--port"], error);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--port", line, StringComparison.Ordinal);
    }
}
