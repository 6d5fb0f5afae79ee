using System.CommandLine;
using Testbed.Simulator.Snapshots;

namespace Testbed.Cli.Snapshots;

/// <summary>
/// <c>testbed snapshots review|accept|reject [--dir DIR] [--filter PATTERN]</c>, in the manner of
/// <c>cargo insta review</c>: walks the received files waiting beside their verified snapshots. Review shows each
/// diff and, on a terminal, asks what to do with it; accept makes the received text verified (refused on a
/// build server, exit 2); reject drops it.
/// </summary>
internal static class SnapshotsCommand
{
    public static Command Create()
    {
        var command = new Command("snapshots", "Review, accept or reject the snapshots that changed");
        foreach (var (name, description) in new[] { ("review", "Show each pending snapshot's diff and, on a terminal, accept, reject or skip it"), ("accept", "Make each pending snapshot the verified one"), ("reject", "Drop each pending snapshot, keeping the verified one") })
        {
            var dir = new Option<DirectoryInfo?>("--dir") { Description = $"The snapshots' folder (default: {SnapshotSuites.DefaultFolder})", HelpName = "DIR" };
            var filter = new Option<string?>("--filter") { Description = "Only snapshots whose name contains PATTERN", HelpName = "PATTERN" };
            var sub = new Command(name, description) { dir, filter };
            sub.SetAction(parsed => Run(parsed, name, parsed.GetValue(dir)?.FullName ?? Path.GetFullPath(SnapshotSuites.DefaultFolder), parsed.GetValue(filter)));
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static int Run(ParseResult parsed, string action, string folder, string? filter)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"testbed: --dir: directory not found: {folder}");
            return TestbedCommandLine.UsageError;
        }

        if (action is "accept" && BuildServer.Detected())
        {
            error.WriteLine("testbed: snapshots accept: refused on a build server (CI is set); accept on a workstation and commit the verified files");
            return TestbedCommandLine.UsageError;
        }

        var store = new SnapshotStore(folder, acceptChanges: false);
        var pending = store.Pending(filter);
        output.WriteLine($"{pending.Count} pending snapshots in {folder}{(filter is null ? string.Empty : $" matching '{filter}'")}");
        var interactive = action == "review" && !Console.IsInputRedirected && ReferenceEquals(output, Console.Out) && !BuildServer.Detected();
        foreach (var name in pending)
        {
            var verifiedPath = Path.Combine(folder, name + SnapshotStore.VerifiedSuffix);
            var received = File.ReadAllText(Path.Combine(folder, name + SnapshotStore.ReceivedSuffix));
            output.WriteLine($"\n{name}: {(File.Exists(verifiedPath) ? "changed" : "new")}");
            if (action == "review")
            {
                output.Write(File.Exists(verifiedPath) ? SnapshotDiff.Render(File.ReadAllText(verifiedPath), received) : received);
            }

            var choice = action switch { "accept" => 'a', "reject" => 'r', _ => interactive ? Ask(output, name) : 's' };
            if (choice == 'a')
            {
                store.Accept(name);
                output.WriteLine($"  accepted: {verifiedPath}");
            }
            else if (choice == 'r')
            {
                store.Reject(name);
                output.WriteLine("  rejected");
            }
        }

        return 0;
    }

    private static char Ask(TextWriter output, string name)
    {
        while (true)
        {
            output.Write($"  {name}: [a]ccept, [r]eject, [s]kip? ");
            var answer = Console.ReadLine()?.Trim().ToLowerInvariant();
            if (answer is null)
            {
                return 's';
            }

            if (answer is "a" or "r" or "s")
            {
                return answer[0];
            }
        }
    }
}
