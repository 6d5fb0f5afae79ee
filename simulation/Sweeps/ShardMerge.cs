namespace Testbed.Simulator.Sweeps;

/// <summary>The shards' summaries added up, or what keeps them from adding up to the whole range.</summary>
/// <param name="Summary">The whole range's summary, from the shards that reported (null when none did).</param>
/// <param name="Missing">Shards of the range that no file reported.</param>
/// <param name="Duplicates">Shards reported by more than one file, with the files.</param>
public sealed record MergeResult(SweepSummary? Summary, IReadOnlyList<Shard> Missing, IReadOnlyList<(Shard Shard, IReadOnlyList<string> Files)> Duplicates)
{
    public bool Complete => Summary is not null && Missing.Count == 0 && Duplicates.Count == 0;
}

/// <summary>
/// Adds up the results files of a sharded sweep. Files that cannot belong to one sweep (another engine commit,
/// spec, range or shard count, or a block that is not its shard's) are bad input and throw
/// <see cref="FormatException"/> naming the file; a shard missing or reported twice is a result, which the
/// caller reports and fails on.
/// </summary>
public static class ShardMerge
{
    public static MergeResult Merge(IReadOnlyList<(string File, SweepSummary Summary)> shards)
    {
        ArgumentOutOfRangeException.ThrowIfZero(shards.Count);
        var (firstFile, first) = shards[0];
        foreach (var (file, shard) in shards)
        {
            Agree(file, "engine commit", shard.EngineCommit, firstFile, first.EngineCommit);
            Agree(file, "spec", shard.Template.ToString(), firstFile, first.Template.ToString());
            Agree(file, "seed range", shard.Range.ToString(), firstFile, first.Range.ToString());
            Agree(file, "shard count", shard.Shard.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), firstFile, first.Shard.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (shard.Runs != (long)shard.Seeds.Count || shard.Failures.Count != shard.Runs - shard.Passed)
            {
                throw new FormatException($"{file}: shard {shard.Shard} of {shard.Range} is seeds {shard.Seeds}, but the file counts {shard.Runs} runs and {shard.Runs - shard.Passed} failures listing {shard.Failures.Count}");
            }
        }

        var byShard = shards.GroupBy(s => s.Summary.Shard.Index).ToDictionary(g => g.Key, g => g.ToList());
        var missing = Enumerable.Range(0, first.Shard.Count).Where(i => !byShard.ContainsKey(i)).Select(i => new Shard(i, first.Shard.Count)).ToList();
        var duplicates = byShard.Where(g => g.Value.Count > 1).OrderBy(g => g.Key)
            .Select(g => (new Shard(g.Key, first.Shard.Count), (IReadOnlyList<string>)[.. g.Value.Select(s => s.File)])).ToList();
        var once = byShard.OrderBy(g => g.Key).Select(g => g.Value[0].Summary).ToList();
        return new MergeResult(Sum(first, once), missing, duplicates);
    }

    /// <summary>One summary of the whole range from one per shard, in shard order.</summary>
    private static SweepSummary Sum(SweepSummary first, IReadOnlyList<SweepSummary> shards)
    {
        var coverage = first.Coverage.Select(row => row.Name)
            .Select(name => (name, shards.Sum(s => s.Coverage.FirstOrDefault(row => row.Name == name).Seeds))).ToList();
        var summary = new SweepSummary(
            first.Template,
            first.Range,
            Shard.Whole,
            first.EngineCommit,
            shards.Sum(s => s.Jobs),
            shards.Sum(s => s.Runs),
            shards.Sum(s => s.Passed),
            shards.Sum(s => s.Events),
            shards.Max(s => s.Elapsed), // The shards ran side by side: the sweep took as long as the slowest.
            coverage,
            [.. shards.SelectMany(s => s.Failures)],
            [.. shards.SelectMany(s => s.Divergences)],
            shards.Sum(s => s.DeterminismChecked),
            shards.Max(s => s.RegressionCases),
            [.. shards.SelectMany(s => s.RegressionFailures).DistinctBy(f => Path.GetFileName(f.Case))]);
        System.Diagnostics.Debug.Assert(summary.Failures.Select(f => f.Seed).Order().SequenceEqual(summary.Failures.Select(f => f.Seed)), "failures stay in seed order");
        return summary;
    }

    private static void Agree(string file, string what, string value, string firstFile, string expected)
    {
        if (value != expected)
        {
            throw new FormatException($"{file}: {what} {value} differs from {firstFile}'s {expected}; these shards are not one sweep");
        }
    }
}
