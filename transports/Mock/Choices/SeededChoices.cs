namespace Testbed.Transports.Mock.Choices;

/// <summary>
/// Choices drawn from a seed: every stream gets its own <see cref="Prng"/>, seeded from the simulation seed and
/// the stream's name, so a stream's draws depend on nothing but those two.
/// </summary>
public sealed class SeededChoices(ulong seed) : IChoiceSource
{
    public ulong Seed { get; } = seed;

    public IChoiceSequence Open(string stream) => new Sequence(new Prng(StreamSeed(Seed, stream)));

    /// <summary>The seed of one stream: the simulation seed mixed with FNV-1a of the stream's name.</summary>
    private static ulong StreamSeed(ulong seed, string stream)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in stream)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return seed ^ (hash * 0x9E3779B97F4A7C15UL);
    }

    private sealed class Sequence(Prng prng) : IChoiceSequence
    {
        public long Next(string decision, long exclusiveMax) => prng.Next(exclusiveMax);
    }
}
