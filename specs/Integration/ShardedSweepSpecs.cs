using System.Text.Json;
using Testbed.Specs.Integration.Support;
using Testbed.Specs.Support;

namespace Testbed.Specs.Integration;

/// <summary>
/// A sweep split over machines: four shards as four processes, each told its part the way its job runner tells
/// it, merged back into exactly what one machine sweeping the whole range reports.
/// </summary>
public sealed class ShardedSweepSpecs
{
    // Enough events for most seeds, too few for some: the merge has failures to add up as well as passes.
    private static readonly string[] Sweep = ["sweep", "--seeds", "1..200", "--max-events", "300"];

    private static readonly string[] RunnerVariables =
        ["JOB_COMPLETION_INDEX", "TESTBED_SHARD_COUNT", "CI_NODE_INDEX", "CI_NODE_TOTAL", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP"];

    [Fact]
    public async Task Four_shards_on_four_runners_merge_into_the_unsharded_sweep_and_a_missing_shard_fails_the_merge()
    {
        var folder = Directory.CreateTempSubdirectory("testbed-shards-");
        try
        {
            string Json(string name) => Path.Combine(folder.FullName, name + ".json");
            (string Name, Dictionary<string, string> Environment, string[] Flags)[] runners =
            [
                ("kubernetes", new() { ["JOB_COMPLETION_INDEX"] = "0", ["TESTBED_SHARD_COUNT"] = "4" }, []),
                ("gitlab", new() { ["CI_NODE_INDEX"] = "2", ["CI_NODE_TOTAL"] = "4" }, []),
                ("slurm", new() { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, []),
                ("github-matrix", new(), ["--shard", "4/4"]),
            ];
            var exits = await Task.WhenAll(runners.Select(runner => TestbedProcess.RunAsync(
                OnlyThese(runner.Environment), [.. Sweep, "--jobs", "1", .. runner.Flags, "--json", Json(runner.Name)])));

            Assert.All(exits, exit => Assert.Contains(exit.Code, new[] { 0, 1 }));
            Assert.Equal(
                ["shard 1/4 of 1..200", "shard 2/4 of 1..200", "shard 3/4 of 1..200", "shard 4/4 of 1..200"],
                exits.Select(exit => exit.Error.Split('\n')[0]["sweep: ".Length..exit.Error.IndexOf(" (from", StringComparison.Ordinal)]));

            var whole = await TestbedCli.RunAsync([.. Sweep, "--jobs", "2", "--json", Json("whole")]);
            var merged = await TestbedCli.RunAsync(["sweep", "merge", "--json", Json("merged"), .. runners.Select(r => Json(r.Name))]);

            Assert.Equal(1, whole.ExitCode); // The range has failures, or this spec checks less than it says.
            Assert.Equal(whole.ExitCode, merged.ExitCode);
            Assert.Equal(Comparable(File.ReadAllText(Json("whole"))), Comparable(File.ReadAllText(Json("merged"))));
            Assert.Equal(WithoutTimings(whole.OutputLines), WithoutTimings(merged.OutputLines.Skip(1)));

            var incomplete = await TestbedCli.RunAsync(["sweep", "merge", .. runners.Where(r => r.Name != "slurm").Select(r => Json(r.Name))]);

            Assert.Equal(1, incomplete.ExitCode);
            Assert.Contains("missing: shard 3/4 (seeds 101..150) reported no results", incomplete.OutputLines);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Results_of_different_sweeps_do_not_merge_and_a_shard_reported_twice_fails()
    {
        using var first = new TempFile();
        using var second = new TempFile();
        using var other = new TempFile();
        await TestbedCli.RunAsync("sweep", "--seeds", "1..4", "--max-events", "300", "--shard", "1/2", "--json", first.Path);
        await TestbedCli.RunAsync("sweep", "--seeds", "1..4", "--max-events", "300", "--shard", "2/2", "--json", second.Path);
        await TestbedCli.RunAsync("sweep", "--seeds", "1..4", "--max-events", "301", "--shard", "2/2", "--json", other.Path);

        var mixed = await TestbedCli.RunAsync("sweep", "merge", first.Path, other.Path);
        var twice = await TestbedCli.RunAsync("sweep", "merge", first.Path, second.Path, second.Path);
        var notResults = await TestbedCli.RunAsync("sweep", "merge", first.Path, "/nonexistent/shard.json");

        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("spec", Assert.Single(mixed.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains(twice.OutputLines, line => line.StartsWith("duplicate: shard 2/2 reported by 2 files", StringComparison.Ordinal));
        Assert.Equal(2, notResults.ExitCode);
        Assert.Contains("/nonexistent/shard.json", Assert.Single(notResults.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_results_file_that_cannot_be_written_is_exit_2_and_leaves_no_partial_file()
    {
        var folder = Directory.CreateTempSubdirectory("testbed-unwritable-");
        try
        {
            var run = await TestbedCli.RunAsync("sweep", "--seeds", "1..4", "--shard", "1/2", "--json", folder.FullName);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains(run.ErrorLines, line => line.StartsWith($"testbed: --json: cannot write {folder.FullName}", StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFiles(folder.Parent!.FullName, folder.Name + ".*.partial"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>This process's environment with every runner's variables blanked, then the runner's own set.</summary>
    private static Dictionary<string, string> OnlyThese(Dictionary<string, string> environment)
    {
        var all = RunnerVariables.ToDictionary(name => name, _ => string.Empty);
        foreach (var (name, value) in environment)
        {
            all[name] = value;
        }

        return all;
    }

    /// <summary>The results file without what depends on the machine: wall time and job count.</summary>
    private static string Comparable(string json)
    {
        var results = JsonDocument.Parse(json).RootElement.EnumerateObject().Where(p => p.Name is not ("wall_seconds" or "jobs"));
        return string.Join('\n', results.Select(p => $"{p.Name}={p.Value.GetRawText()}"));
    }

    /// <summary>The report without its one row of timings (jobs, wall seconds, seeds/s).</summary>
    private static IEnumerable<string> WithoutTimings(IEnumerable<string> lines) => lines.Where(line => !line.TrimStart().StartsWith("1..200 ", StringComparison.Ordinal));
}
