using Testbed.Fuzz.Targets;

namespace Testbed.Specs.Http;

/// <summary>
/// The committed fuzz seeds (<c>fuzz/corpus/</c>) replayed through the fuzz targets' oracles, so a change that
/// would make a seed "crash" fails here long before anyone runs afl-fuzz. Every seed goes through both targets:
/// a request head is also junk for the chunked decoder, and the reverse.
/// </summary>
public sealed class FuzzCorpusSpecs
{
    private static readonly Lazy<string> Corpus = new(Locate);

    public static TheoryData<string> Targets => new() { "head", "chunked" };

    [Fact]
    public void The_corpus_is_committed_and_small()
    {
        var seeds = Seeds().ToList();

        Assert.Contains(seeds, s => s.StartsWith(Path.Combine(Corpus.Value, "head"), StringComparison.Ordinal));
        Assert.Contains(seeds, s => s.StartsWith(Path.Combine(Corpus.Value, "chunked"), StringComparison.Ordinal));
        Assert.InRange(seeds.Sum(s => new FileInfo(s).Length), 1, 1024 * 1024);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_passes_the_oracles_of(string target)
    {
        ReadOnlySpanAction run = target == "head" ? HeadTarget.Run : ChunkedTarget.Run;
        // Every exception is a finding; collecting them all names every failing seed at once.
        var failures = new List<string>();
        foreach (string seed in Seeds())
        {
            try
            {
                run(File.ReadAllBytes(seed));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetRelativePath(Corpus.Value, seed)}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static IEnumerable<string> Seeds() =>
        Directory.EnumerateFiles(Corpus.Value, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private static string Locate() => Path.Combine(Testbed.Specs.Support.RepositoryRoot.Path, "fuzz", "corpus");

    private delegate void ReadOnlySpanAction(ReadOnlySpan<byte> data);
}
