using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;
using Xunit.Abstractions;

namespace Testbed.Specs.Http;

/// <summary>Skips (with the reason) when the shared conformance folder is not next to the repository.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (ConformanceCorpus.Directory is null)
        {
            Skip = "Conformance corpora not found: expected ../shared/conformance/*.jsonl beside the folder holding Testbed.sln";
        }
    }
}

/// <summary>Skips (with the reason) when the shared conformance folder is not next to the repository.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (ConformanceCorpus.Directory is null)
        {
            Skip = "Conformance corpora not found: expected ../shared/conformance/*.jsonl beside the folder holding Testbed.sln";
        }
    }
}

/// <summary>
/// Every case of the shared HTTP/1.1 corpora, judged at the parser level: the request bytes go through
/// <see cref="Testbed.Engine.Http.Parsing.RequestHeadParser"/>, Content-Length skipping and the chunked decoder,
/// pipelined, and the outcome is held against the row's <c>expect</c> as rawcheck.py would on a socket.
/// Each case is also replayed split at every byte boundary and one byte per segment: the outcome must not move.
/// </summary>
public sealed class CorpusSpec(ITestOutputHelper output)
{
    /// <summary>
    /// Cases whose expectation this server deliberately does not meet, with the rule behind each (rawcheck
    /// prints most as FAIL*). Pinned so that any change, either way, is noticed.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> KnownDeviations = DeviationList.Build();

    private static readonly ServerLimits Limits = new();

    public static TheoryData<string> CaseIds()
    {
        var ids = new TheoryData<string>();
        foreach (string id in ConformanceCorpus.Cases.Keys)
        {
            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            ids.Add("(corpora absent)");
        }

        return ids;
    }

    [CorpusTheory]
    [MemberData(nameof(CaseIds))]
    public void Case_meets_its_expectation_however_the_bytes_are_split(string id)
    {
        var row = ConformanceCorpus.Cases[id];
        var whole = WireSimulator.Run(Limits, [row.Request]);
        var (verdict, why) = CorpusJudge.Judge(row.Expect, whole);
        output.WriteLine($"{row.Representation}\n→ {whole}\n→ {verdict} {why}");

        if (verdict == Verdict.Fail)
        {
            Assert.True(
                KnownDeviations.ContainsKey(id),
                $"{id}: {why}; outcome {whole}; request {row.Representation}");
        }

        AssertSameOutcomeWhenSplit(row.Request, whole);
    }

    [CorpusFact]
    public void Summary_lists_exactly_the_known_deviations()
    {
        var results = ConformanceCorpus.Cases.Values
            .Select(c => (Case: c, Result: CorpusJudge.Judge(c.Expect, WireSimulator.Run(Limits, [c.Request]))))
            .ToList();

        foreach (var file in ConformanceCorpus.Files)
        {
            var inFile = results.Where(r => r.Case.File == file).ToList();
            int Count(Verdict v) => inFile.Count(r => r.Result.Verdict == v);
            output.WriteLine(
                $"{file}: {inFile.Count} cases, {Count(Verdict.Pass)} pass, {Count(Verdict.Fail)} deliberate deviations, " +
                $"{Count(Verdict.NotDecidable)} not decidable by the parser, {Count(Verdict.Info)} info");
        }

        foreach (var (c, (verdict, why)) in results.Where(r => r.Result.Verdict is Verdict.Fail or Verdict.NotDecidable))
        {
            string rule = KnownDeviations.TryGetValue(c.Id, out var r) ? $" [{r}]" : "";
            output.WriteLine($"  {verdict,-12} {c.Id}{(c.Disputable ? " (disputable)" : "")}: {why}{rule}");
        }

        var failing = results.Where(r => r.Result.Verdict == Verdict.Fail).Select(r => r.Case.Id).ToList();
        Assert.Equal(KnownDeviations.Keys.Order(), failing.Order());
    }

    private static void AssertSameOutcomeWhenSplit(byte[] request, WireOutcome whole)
    {
        // Every boundary of a request of ordinary size; a long one (a 40 KiB header) at 512 boundaries spread over it.
        var step = Math.Max(1, request.Length / 512);
        for (int split = 1; split < request.Length; split += step)
        {
            var halves = WireSimulator.Run(Limits, [request[..split], request[split..]], destinationSize: 7);
            Assert.True(whole.Shape == halves.Shape, $"split at {split}: {halves} instead of {whole}");
        }

        // The head is parsed again from its start as each piece arrives, so pieces of one byte stay for requests
        // of ordinary size; a long one trickles in 512 pieces.
        var trickle = WireSimulator.Run(Limits, request.Chunk(step), destinationSize: 1);
        Assert.True(whole.Shape == trickle.Shape, $"{step} byte(s) at a time: {trickle} instead of {whole}");
    }
}
