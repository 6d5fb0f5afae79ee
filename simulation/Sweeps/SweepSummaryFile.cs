using System.Globalization;
using System.Text.Json;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Traces;

namespace Testbed.Simulator.Sweeps;

/// <summary>
/// A sweep's results file (<c>--json</c>, and what each shard writes): JSON for tools and for
/// <c>testbed sweep merge</c>, versioned by <see cref="Format"/>. Seeds and hashes are strings, since a 64-bit
/// value does not fit a JSON number as most readers hold one; the run spec is stored both as flags, for people,
/// and as <see cref="RunSpec.ToJson"/>'s object, to read back.
/// </summary>
public static class SweepSummaryFile
{
    public const string Format = "testbed-sweep/1";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Write(SweepSummary summary, Func<RunSpec, ulong?, string> replayLine) => JsonSerializer.Serialize(
        new FileJson(
            Format,
            summary.EngineCommit,
            summary.Template.Scenario,
            summary.Template.ToString(),
            JsonDocument.Parse(summary.Template.ToJson()).RootElement,
            summary.Range.ToString(),
            new ShardJson(summary.Shard.Index + 1, summary.Shard.Count),
            summary.Seeds.ToString(),
            summary.Jobs,
            Math.Round(summary.Elapsed.TotalSeconds, 3),
            summary.Runs,
            summary.Passed,
            summary.Events,
            summary.Coverage.ToDictionary(row => row.Name, row => row.Seeds),
            [.. summary.Failures.Select(f => new FailureJson(
                Text(f.Seed), f.Invariant, f.Detail, f.EventNumber, f.VirtualMicros, f.TraceHash is { } hash ? Hex(hash) : null, f.NotReproduced, f.TraceTail, replayLine(summary.Template.WithSeed(f.Seed), f.TraceHash)))],
            new DeterminismJson(summary.DeterminismChecked, [.. summary.Divergences.Select(d => new DivergenceJson(Text(d.Seed), d.What, d.FirstLine?.LineNumber, d.FirstLine?.Expected, d.FirstLine?.Actual, d.Context))]),
            new RegressionsJson(summary.RegressionCases, [.. summary.RegressionFailures])),
        Options);

    /// <summary>Reads <see cref="Write"/>'s form back; <see cref="FormatException"/> says what is wrong.</summary>
    public static SweepSummary Read(string json)
    {
        FileJson? file;
        try
        {
            file = JsonSerializer.Deserialize<FileJson>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a sweep results file: {ex.Message}", ex);
        }

        if (file?.Format != Format)
        {
            throw new FormatException($"not a sweep results file of format {Format} (format: {file?.Format ?? "none"})");
        }

        if (file.RunSpec.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("run_spec: missing");
        }

        if (file.Failures?.FirstOrDefault(f => f.Seed is null || f.Invariant is null || f.Detail is null) is { } incomplete)
        {
            throw new FormatException($"a failure lacks its seed, invariant or detail (seed {incomplete.Seed ?? "none"})");
        }

        var template = RunSpec.FromJson(file.RunSpec.GetRawText());
        if (!SeedRange.TryParse(file.Range ?? string.Empty, out var range, out var problem))
        {
            throw new FormatException("range: " + problem);
        }

        if (file.Shard is null || !Shard.TryCreate(file.Shard.Index - 1, file.Shard.Count, $"{file.Shard.Index}/{file.Shard.Count}", out var shard, out problem))
        {
            throw new FormatException("shard: " + (file.Shard is null ? "missing" : problem));
        }

        if ((ulong)shard.Count > range.Count || shard.Of(range).ToString() != file.Seeds)
        {
            throw new FormatException($"seeds {file.Seeds} are not shard {shard}'s block of {range}");
        }

        return new SweepSummary(
            template,
            range,
            shard,
            file.EngineCommit ?? "unknown",
            file.Jobs,
            file.Runs,
            file.Passed,
            file.Events,
            TimeSpan.FromSeconds(file.WallSeconds),
            [.. (file.Coverage ?? []).Select(row => (row.Key, row.Value))],
            [.. (file.Failures ?? []).Select(f => new SeedFailure(Seed(f.Seed), f.Invariant, f.Detail, f.Event, f.VirtualMicros, f.TraceHash is null ? null : Hash(f.TraceHash), f.NotReproduced, f.TraceTail ?? []))],
            [.. (file.Determinism?.Divergences ?? []).Select(d => new Divergence(Seed(d.Seed), d.What, d.Line is { } line ? new TraceDivergence(line, d.First, d.Second) : null, d.Context ?? []))],
            file.Determinism?.Seeds ?? 0,
            file.Regressions?.Cases ?? 0,
            file.Regressions?.Failing ?? []);
    }

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong Seed(string text) => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed) ? seed
        : throw new FormatException($"seed '{text}' is not a whole number");

    private static ulong Hash(string text) => ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash) ? hash
        : throw new FormatException($"trace hash '{text}' is not 16 hex digits");

    private sealed record FileJson(
        string? Format,
        string? EngineCommit,
        string? Scenario,
        string? Spec,
        JsonElement RunSpec,
        string? Range,
        ShardJson? Shard,
        string? Seeds,
        int Jobs,
        double WallSeconds,
        long Runs,
        long Passed,
        long Events,
        Dictionary<string, long>? Coverage,
        List<FailureJson>? Failures,
        DeterminismJson? Determinism,
        RegressionsJson? Regressions);

    private sealed record ShardJson(int Index, int Count);

    private sealed record FailureJson(string Seed, string Invariant, string Detail, long Event, long VirtualMicros, string? TraceHash, string? NotReproduced, IReadOnlyList<string>? TraceTail, string? Replay);

    private sealed record DeterminismJson(long Seeds, List<DivergenceJson>? Divergences);

    private sealed record DivergenceJson(string Seed, string What, int? Line, string? First, string? Second, IReadOnlyList<string>? Context);

    private sealed record RegressionsJson(int Cases, List<RegressionFailure>? Failing);
}
