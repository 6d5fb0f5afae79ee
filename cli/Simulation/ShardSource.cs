using System.Globalization;
using Testbed.Simulator.Sweeps;

namespace Testbed.Cli.Simulation;

/// <summary>
/// Which shard this process runs: <c>--shard I/N</c> when given (a GitHub Actions matrix passes it), else what the
/// job runner set: a Kubernetes Indexed Job's <c>JOB_COMPLETION_INDEX</c> (0-based; the count from
/// <c>--shard-count</c> or <c>TESTBED_SHARD_COUNT</c>), GitLab's <c>CI_NODE_INDEX</c>/<c>CI_NODE_TOTAL</c>
/// (1-based), or a Slurm array's <c>SLURM_ARRAY_TASK_ID</c>/<c>SLURM_ARRAY_TASK_COUNT</c> (from
/// <c>SLURM_ARRAY_TASK_MIN</c> in steps of <c>SLURM_ARRAY_TASK_STEP</c>). Otherwise the whole range.
/// </summary>
internal static class ShardSource
{
    /// <param name="origin">Where the shard came from, for the line the sweep prints.</param>
    /// <param name="problem">One line naming the flag or variable at fault.</param>
    public static bool TryRead(Shard? flag, int? countFlag, Func<string, string?> environment, out Shard shard, out string origin, out string problem)
    {
        (shard, origin, problem) = (Shard.Whole, string.Empty, string.Empty);
        if (flag is { } given)
        {
            (shard, origin) = (given, "--shard");
            return countFlag is null || Fail("--shard-count: give either --shard I/N or --shard-count with JOB_COMPLETION_INDEX, not both", out problem);
        }

        if (environment("JOB_COMPLETION_INDEX") is { Length: > 0 } completion)
        {
            var countText = countFlag?.ToString(CultureInfo.InvariantCulture) ?? environment("TESTBED_SHARD_COUNT");
            var countName = countFlag is null ? "TESTBED_SHARD_COUNT" : "--shard-count";
            if (string.IsNullOrEmpty(countText))
            {
                return Fail("JOB_COMPLETION_INDEX is set, but not the shard count: pass --shard-count N or set TESTBED_SHARD_COUNT", out problem);
            }

            origin = $"JOB_COMPLETION_INDEX and {countName}";
            return Whole("JOB_COMPLETION_INDEX", completion, out var index, out problem) && Whole(countName, countText, out var count, out problem)
                && Create(index, count, origin, $"{completion} of {countText}", out shard, out problem);
        }

        if (countFlag is not null)
        {
            return Fail("--shard-count: only a Kubernetes Indexed Job's JOB_COMPLETION_INDEX takes its count from it, and it is not set", out problem);
        }

        if (environment("CI_NODE_INDEX") is { Length: > 0 } node)
        {
            origin = "CI_NODE_INDEX and CI_NODE_TOTAL";
            return Whole("CI_NODE_INDEX", node, out var index, out problem) && Whole("CI_NODE_TOTAL", environment("CI_NODE_TOTAL"), out var total, out problem)
                && Create(index - 1, total, origin, $"{node} of {total}", out shard, out problem);
        }

        if (environment("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task)
        {
            origin = "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT";
            var min = environment("SLURM_ARRAY_TASK_MIN") is { Length: > 0 } minText ? minText : "0";
            var step = environment("SLURM_ARRAY_TASK_STEP") is { Length: > 0 } stepText ? stepText : "1";
            return Whole("SLURM_ARRAY_TASK_ID", task, out var id, out problem) && Whole("SLURM_ARRAY_TASK_COUNT", environment("SLURM_ARRAY_TASK_COUNT"), out var count, out problem)
                && Whole("SLURM_ARRAY_TASK_MIN", min, out var first, out problem) && Whole("SLURM_ARRAY_TASK_STEP", step, out var stride, out problem)
                && (stride > 0 || Fail("SLURM_ARRAY_TASK_STEP: must be at least 1", out problem))
                && Create((id - first) / stride, count, origin, $"task {task} of {count}", out shard, out problem);
        }

        return true;
    }

    private static bool Whole(string name, string? text, out long value, out string problem)
    {
        problem = string.Empty;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            || Fail($"{name}: '{text ?? string.Empty}' is not a whole number", out problem);
    }

    private static bool Create(long index, long count, string origin, string shown, out Shard shard, out string problem) =>
        Shard.TryCreate(index, count, shown, out shard, out problem) || Fail($"{origin}: {problem}", out problem);

    private static bool Fail(string message, out string problem)
    {
        problem = message;
        return false;
    }
}
