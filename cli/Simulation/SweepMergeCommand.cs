using System.CommandLine;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>testbed sweep merge [--json FILE] [--junit FILE] FILES...</c>: adds up the results files of a sharded sweep
/// and prints the summary one machine sweeping the whole range would. Exit 1 on any violation or on a shard
/// missing or reported twice; exit 2 for a file that cannot be read or does not belong to the same sweep.
/// </summary>
internal static class SweepMergeCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("FILES") { Description = "The shards' results files (sweep --json)", Arity = ArgumentArity.OneOrMore };
        var json = OutputFileOption.Create("--json", "Write the merged results as JSON to FILE");
        var junit = OutputFileOption.Create("--junit", "Write the merged results as JUnit to FILE");
        var command = new Command("merge", "Add up the results files of a sharded sweep, checking every shard reported once") { files, json, junit };
        command.SetAction(parsed =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            var shards = new List<(string File, SweepSummary Summary)>();
            foreach (var file in parsed.GetValue(files)!)
            {
                try
                {
                    shards.Add((file.FullName, SweepSummaryFile.Read(File.ReadAllText(file.FullName))));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    error.WriteLine($"testbed: {file.FullName}: {ex.Message}");
                    return TestbedCommandLine.UsageError;
                }
            }

            MergeResult merged;
            try
            {
                merged = ShardMerge.Merge(shards);
            }
            catch (FormatException ex)
            {
                error.WriteLine("testbed: " + ex.Message);
                return TestbedCommandLine.UsageError;
            }

            var summary = merged.Summary!;
            output.WriteLine($"merged {shards.Count} results files: shards {string.Join(", ", shards.Select(s => s.Summary.Shard).Distinct().OrderBy(s => s.Index).Select(s => s.ToString()))} of {summary.Range}");
            SweepReport.Write(output, summary);
            foreach (var shard in merged.Missing)
            {
                output.WriteLine($"missing: shard {shard} (seeds {shard.Of(summary.Range)}) reported no results");
            }

            foreach (var (shard, reporters) in merged.Duplicates)
            {
                output.WriteLine($"duplicate: shard {shard} reported by {reporters.Count} files ({string.Join(", ", reporters)}); only the first counts");
            }

            var written = (parsed.GetValue(json) is not { } jsonPath || SweepFiles.TryWriteJson(jsonPath, summary, error))
                & (parsed.GetValue(junit) is not { } junitPath || SweepFiles.TryWriteJUnit(junitPath, summary, error));
            return !written ? TestbedCommandLine.UsageError : merged.Complete && summary.Clean ? 0 : 1;
        });
        return command;
    }
}
