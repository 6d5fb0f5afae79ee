using System.Globalization;

namespace Testbed.Simulator.Sweeps;

/// <summary>
/// One machine's part of a sweep: block <see cref="Index"/> (0-based) of <see cref="Count"/> contiguous blocks of
/// the seed range. Which seeds a shard runs is a pure function of the range, the index and the count, so shards
/// need no coordinator, a retried shard runs the same seeds again, and a merge can check that the blocks tile the
/// range. Written <c>I/N</c> with I from 1, as jest and Playwright write theirs.
/// </summary>
public readonly record struct Shard
{
    public Shard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        (Index, Count) = (index, count);
    }

    /// <summary>The whole range on one machine.</summary>
    public static Shard Whole { get; } = new(0, 1);

    public int Index { get; }

    public int Count { get; }

    /// <summary>This shard's block: sizes differ by at most one seed, and every seed of the range is in exactly one block.</summary>
    public SeedRange Of(SeedRange range)
    {
        if ((ulong)Count > range.Count)
        {
            throw new ArgumentException($"{Count} shards for {range.Count} seeds would leave some empty", nameof(range));
        }

        // range.Count < 2^31 and Count < 2^31, so the products fit.
        var first = range.First + ((ulong)Index * range.Count / (ulong)Count);
        var next = range.First + ((ulong)(Index + 1) * range.Count / (ulong)Count);
        var block = new SeedRange(first, next - 1);
        System.Diagnostics.Debug.Assert(block.Count >= range.Count / (ulong)Count, "blocks are never smaller than an even split");
        return block;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index + 1}/{Count}");

    /// <summary>Reads <c>I/N</c>, 1 ≤ I ≤ N; the error says what is wrong.</summary>
    public static bool TryParse(string text, out Shard shard, out string error)
    {
        shard = Whole;
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            error = $"'{text}' is not a shard such as 2/8";
            return false;
        }

        return TryCreate(index - 1, count, text, out shard, out error);
    }

    /// <summary>A 0-based index and a count, as job runners give them; the error quotes <paramref name="shown"/>.</summary>
    public static bool TryCreate(long index, long count, string shown, out Shard shard, out string error)
    {
        shard = Whole;
        if (count < 1 || count > int.MaxValue || index < 0 || index >= count)
        {
            error = $"'{shown}' is not a shard: the count must be at least 1 and the index within it";
            return false;
        }

        shard = new Shard((int)index, (int)count);
        error = string.Empty;
        return true;
    }
}
