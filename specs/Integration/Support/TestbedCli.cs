using Testbed.Cli;

namespace Testbed.Specs.Integration.Support;

/// <summary>The <c>testbed</c> command line run in this process, its output and error captured.</summary>
internal static class TestbedCli
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exitCode = await TestbedCommandLine.RunAsync(args, error, output);
        return new Result(exitCode, output.ToString(), error.ToString());
    }
}
