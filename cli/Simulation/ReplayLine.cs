using System.Globalization;
using Testbed.Simulator.Runs;

namespace Testbed.Cli.Simulation;

/// <summary>
/// The command that replays a run: <c>testbed replay</c>, the spec's own flags, and the trace hash to compare
/// with. The program's name is <c>TESTBED_COMMAND</c> when set (the repository's <c>scripts/testbed</c> sets
/// it), so a line printed by the script pastes back into the same shell.
/// </summary>
internal static class ReplayLine
{
    public static string Program => Environment.GetEnvironmentVariable("TESTBED_COMMAND") is { Length: > 0 } command ? command : "testbed";

    public static string For(RunSpec spec, ulong? traceHash) =>
        $"{Program} replay {spec}{(traceHash is { } hash ? string.Create(CultureInfo.InvariantCulture, $" --expect-hash {hash:x16}") : string.Empty)}";
}
