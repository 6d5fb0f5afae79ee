using System.Text.Json;

namespace Testbed.Specs.Http.Support;

/// <summary>One row of a conformance JSONL file.</summary>
internal sealed record CorpusCase(string File, string Id, byte[] Request, JsonElement Expect, bool Disputable, string Representation);

/// <summary>
/// The shared conformance corpora (<c>../shared/conformance/*.jsonl</c>, a sibling of the repository root), read
/// in place and never copied into the repository, and the repository's own rows in the same format
/// (<c>specs/Http/Corpus/</c>), which may add an expectation the shared runner does not judge strictly.
/// </summary>
internal static class ConformanceCorpus
{
    private static readonly string[] SharedFiles =
    [
        "kestrel-bad-requests.jsonl",
        "llhttp-requests-strict-host.jsonl",
        "llhttp-requests-strict.jsonl",
    ];

    private static readonly string[] OwnFiles = ["keepalive-bad-requests.jsonl"];

    /// <summary>Every corpus file: the shared ones, then the repository's own.</summary>
    public static readonly string[] Files = [.. SharedFiles, .. OwnFiles];

    private static readonly Lazy<string?> LazyDirectory = new(Locate);
    private static readonly Lazy<IReadOnlyDictionary<string, CorpusCase>> LazyCases = new(Load);

    /// <summary>The conformance folder, or null when it is absent.</summary>
    public static string? Directory => LazyDirectory.Value;

    public static IReadOnlyDictionary<string, CorpusCase> Cases => LazyCases.Value;

    /// <summary>Where <paramref name="file"/> is read from.</summary>
    public static string PathOf(string file) => OwnFiles.Contains(file)
        ? Path.Combine(AppContext.BaseDirectory, "Http", "Corpus", file)
        : Path.Combine(Directory ?? throw new InvalidOperationException("the shared corpora are absent"), file);

    private static string? Locate()
    {
        if (Testbed.Specs.Support.RepositoryRoot.Find() is not { } root)
        {
            return null;
        }

        string corpus = Path.GetFullPath(Path.Combine(root, "..", "shared", "conformance"));
        return SharedFiles.All(f => File.Exists(Path.Combine(corpus, f))) ? corpus : null;
    }

    private static IReadOnlyDictionary<string, CorpusCase> Load()
    {
        var cases = new Dictionary<string, CorpusCase>(StringComparer.Ordinal);
        if (Directory is null)
        {
            return cases;
        }

        foreach (string file in Files)
        {
            foreach (string line in File.ReadLines(PathOf(file)).Where(l => !string.IsNullOrWhiteSpace(l)))
            {
                var row = JsonDocument.Parse(line).RootElement;
                string id = row.GetProperty("id").GetString()!;
                bool disputable = row.TryGetProperty("disputable", out var d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0;
                var request = Convert.FromBase64String(row.GetProperty("request_b64").GetString()!);
                cases.Add(id, new CorpusCase(file, id, request, row.GetProperty("expect").Clone(), disputable, row.GetProperty("request_repr").GetString()!));
            }
        }

        return cases;
    }
}
