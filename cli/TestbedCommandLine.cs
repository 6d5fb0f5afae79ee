using System.CommandLine;
using System.CommandLine.Parsing;
using Testbed.Cli.Simulation;
using Testbed.Cli.Snapshots;

namespace Testbed.Cli;

/// <summary>
/// The <c>testbed</c> command line. Bad input gets one line on stderr naming the flag and exit code 2;
/// it never falls through to a stack trace.
/// </summary>
public static class TestbedCommandLine
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter? error = null, TextWriter? output = null)
    {
        error ??= Console.Error;
        var root = new RootCommand("Testbed: a deterministic-testable HTTP/1.1 server engine on libuv.")
        {
            ServeCommand.Create(),
            SimulateCommand.Create(),
            SweepCommand.Create(),
            ReplayCommand.Create(),
            ShrinkCommand.Create(),
            ReportCommand.Create(),
            SnapshotsCommand.Create(),
        };

        var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
        if (args.Length == 0 || (!args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0])))
        {
            await error.WriteLineAsync(args.Length == 0 ? $"testbed: no command given; the commands are {commands} (testbed --help says more)"
                : $"testbed: unknown command '{args[0]}'; the commands are {commands} (testbed --help says more)");
            return UsageError;
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync("testbed: " + parsed.Errors[0].Message);
            return UsageError;
        }

        var invocation = new InvocationConfiguration { Output = output ?? Console.Out, Error = error };
        if (parsed.CommandResult.Command.Name == "serve")
        {
            invocation.ProcessTerminationTimeout = ServeCommand.ProcessTerminationTimeout;
        }

        return await parsed.InvokeAsync(invocation);
    }
}
