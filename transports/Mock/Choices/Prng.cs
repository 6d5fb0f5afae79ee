namespace Testbed.Transports.Mock.Choices;

/// <summary>
/// The simulation's only source of randomness: xoshiro256** seeded through SplitMix64, one per choice stream
/// (<see cref="SeededChoices"/>). Written out rather than <see cref="System.Random"/> so a seed means the same
/// draws on every .NET version.
/// </summary>
internal sealed class Prng
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Prng(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A value in [0, <paramref name="exclusiveMax"/>), unbiased (Lemire's multiply-and-reject).</summary>
    public long Next(long exclusiveMax)
    {
        if (exclusiveMax <= 1)
        {
            return 0;
        }

        var range = (ulong)exclusiveMax;
        var threshold = (0 - range) % range;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= threshold)
            {
                return (long)product;
            }
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
