using Testbed.Cli.Simulation;
using Testbed.Simulator.Sweeps;

namespace Testbed.Specs.Simulator;

/// <summary>Shards: a pure function of the range, the index and the count, read from a flag or from what each job runner sets.</summary>
public sealed class ShardSpecs
{
    [Theory]
    [InlineData(1UL, 10UL, 3)]
    [InlineData(1UL, 1_000_000UL, 8)]
    [InlineData(17UL, 17UL, 1)]
    [InlineData(5UL, 11UL, 7)]
    [InlineData(ulong.MaxValue - 99, ulong.MaxValue, 6)]
    public void The_blocks_tile_the_range_in_order_and_differ_in_size_by_at_most_one(ulong first, ulong last, int count)
    {
        var range = new SeedRange(first, last);
        var blocks = Enumerable.Range(0, count).Select(i => new Shard(i, count).Of(range)).ToList();

        Assert.Equal(range.First, blocks[0].First);
        Assert.Equal(range.Last, blocks[^1].Last);
        Assert.All(blocks.Zip(blocks.Skip(1)), pair => Assert.Equal(pair.First.Last + 1, pair.Second.First));
        Assert.InRange(blocks.Max(b => b.Count) - blocks.Min(b => b.Count), 0UL, 1UL);
    }

    [Fact]
    public void More_shards_than_seeds_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Shard(0, 4).Of(new SeedRange(1, 3)));
    }

    [Theory]
    [InlineData("3/8", 2, 8)]
    [InlineData("1/1", 0, 1)]
    public void A_shard_flag_is_one_based(string text, int index, int count)
    {
        Assert.True(Shard.TryParse(text, out var shard, out _));
        Assert.Equal(new Shard(index, count), shard);
        Assert.Equal(text, shard.ToString());
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("2/0")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("-1/4")]
    public void A_bad_shard_flag_says_so(string text)
    {
        Assert.False(Shard.TryParse(text, out _, out var error));
        Assert.Contains(text, error, StringComparison.Ordinal);
    }

    public static TheoryData<string, int?, Dictionary<string, string>, int, int> Runners => new()
    {
        { "Kubernetes with the count in the environment", null, new() { ["JOB_COMPLETION_INDEX"] = "0", ["TESTBED_SHARD_COUNT"] = "4" }, 0, 4 },
        { "Kubernetes with the count as a flag", 4, new() { ["JOB_COMPLETION_INDEX"] = "3" }, 3, 4 },
        { "GitLab parallel, 1-based", null, new() { ["CI_NODE_INDEX"] = "1", ["CI_NODE_TOTAL"] = "4" }, 0, 4 },
        { "Slurm array from 0", null, new() { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, 2, 4 },
        { "Slurm array from 1 in steps of 2", null, new() { ["SLURM_ARRAY_TASK_ID"] = "7", ["SLURM_ARRAY_TASK_COUNT"] = "4", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_STEP"] = "2" }, 3, 4 },
        { "no runner", null, new(), 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Runners))]
    public void Each_job_runner_s_variables_give_the_shard(string runner, int? countFlag, Dictionary<string, string> environment, int index, int count)
    {
        Assert.True(ShardSource.TryRead(null, countFlag, environment.GetValueOrDefault, out var shard, out _, out var problem), runner + ": " + problem);
        Assert.Equal(new Shard(index, count), shard);
    }

    [Fact]
    public void The_flag_wins_over_the_environment()
    {
        var environment = new Dictionary<string, string> { ["CI_NODE_INDEX"] = "1", ["CI_NODE_TOTAL"] = "4" };

        Assert.True(ShardSource.TryRead(new Shard(2, 3), null, environment.GetValueOrDefault, out var shard, out var origin, out _));
        Assert.Equal((new Shard(2, 3), "--shard"), (shard, origin));
    }

    [Theory]
    [InlineData("JOB_COMPLETION_INDEX", "JOB_COMPLETION_INDEX=2")]
    [InlineData("TESTBED_SHARD_COUNT", "JOB_COMPLETION_INDEX=2", "TESTBED_SHARD_COUNT=x")]
    [InlineData("CI_NODE_INDEX", "CI_NODE_INDEX=0", "CI_NODE_TOTAL=4")]
    [InlineData("CI_NODE_TOTAL", "CI_NODE_INDEX=1")]
    [InlineData("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_ID=9", "SLURM_ARRAY_TASK_COUNT=4")]
    [InlineData("SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_STEP=0")]
    public void A_bad_runner_variable_is_named(string named, params string[] variables)
    {
        var environment = variables.Select(v => v.Split('=')).ToDictionary(v => v[0], v => v[1]);

        Assert.False(ShardSource.TryRead(null, null, environment.GetValueOrDefault, out _, out _, out var problem));
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }
}
