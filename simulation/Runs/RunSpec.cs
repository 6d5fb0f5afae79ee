using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Testbed.Simulator.Faults;

namespace Testbed.Simulator.Runs;

/// <summary>
/// The description of one run: the scenario, the seed, and the knobs the run sets (every other knob is drawn
/// from the seed). It is the whole input of a run: rendered as CLI flags it is the replay command, as JSON it
/// is the trace's header and a case file's core, and both read back to an equal spec.
/// </summary>
public sealed class RunSpec : IEquatable<RunSpec>
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public RunSpec(string scenario, ulong seed, IReadOnlyDictionary<string, long?>? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scenario);
        Scenario = scenario;
        Seed = seed;
        var sorted = new SortedDictionary<string, long?>(StringComparer.Ordinal);
        foreach (var (name, value) in settings ?? new Dictionary<string, long?>())
        {
            var knob = Knobs.Find(name) ?? throw new ArgumentException($"unknown knob '{name}'", nameof(settings));
            if (value is null ? !knob.CanBeUnlimited : value < knob.Min || value > knob.Max)
            {
                throw new ArgumentException($"knob '{name}': {knob.Format(value)} is out of its range", nameof(settings));
            }

            sorted.Add(name, value);
        }

        Settings = sorted;
    }

    public string Scenario { get; }

    public ulong Seed { get; }

    /// <summary>The knobs this run sets, by name, in name order; null is "unlimited".</summary>
    public IReadOnlyDictionary<string, long?> Settings { get; }

    /// <summary>The same run for another seed.</summary>
    public RunSpec WithSeed(ulong seed) => new(Scenario, seed, Settings);

    /// <summary>The same run with <paramref name="knob"/> set to <paramref name="value"/>.</summary>
    public RunSpec With(Knob knob, long? value) => new(Scenario, Seed, new Dictionary<string, long?>(Settings) { [knob.Name] = value });

    /// <summary>The spec as CLI flags: <c>--scenario NAME --seed N</c>, then each set knob as <c>--NAME VALUE</c>.</summary>
    public IReadOnlyList<string> ToArgs()
    {
        List<string> args = ["--scenario", Scenario, "--seed", Seed.ToString(CultureInfo.InvariantCulture)];
        foreach (var (name, value) in Settings)
        {
            args.Add("--" + name);
            args.Add(Knobs.Find(name)!.Format(value));
        }

        return args;
    }

    /// <summary>The flags on one line; no value ever needs quoting.</summary>
    public override string ToString() => string.Join(' ', ToArgs());

    /// <summary>
    /// One line of JSON: <c>{"scenario":"http","seed":"42","set":{"write-fail":"0.05"}}</c>. The seed is a string: a
    /// 64-bit seed does not fit a JSON number as most readers hold one.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(
        new SpecJson(Scenario, Seed.ToString(CultureInfo.InvariantCulture), Settings.ToDictionary(s => s.Key, s => Knobs.Find(s.Key)!.Format(s.Value))),
        Json);

    /// <summary>Reads <see cref="ToJson"/>'s form back; <see cref="FormatException"/> names what is wrong.</summary>
    public static RunSpec FromJson(string json)
    {
        SpecJson? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<SpecJson>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not a run spec: {ex.Message}", ex);
        }

        if (parsed is null || string.IsNullOrWhiteSpace(parsed.Scenario))
        {
            throw new FormatException("not a run spec: no scenario");
        }

        if (!ulong.TryParse(parsed.Seed, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            throw new FormatException($"run spec: seed '{parsed.Seed}' is not a whole number from 0 to {ulong.MaxValue}");
        }

        var settings = new Dictionary<string, long?>();
        foreach (var (name, text) in parsed.Set ?? [])
        {
            var knob = Knobs.Find(name) ?? throw new FormatException($"run spec: unknown knob '{name}'");
            if (!knob.TryParse(text, out var value, out var error))
            {
                throw new FormatException($"run spec: knob '{name}': {error}");
            }

            settings[name] = value;
        }

        return new RunSpec(parsed.Scenario, seed, settings);
    }

    public bool Equals(RunSpec? other) =>
        other is not null && Scenario == other.Scenario && Seed == other.Seed && Settings.SequenceEqual(other.Settings);

    public override bool Equals(object? obj) => Equals(obj as RunSpec);

    public override int GetHashCode() => HashCode.Combine(Scenario, Seed, Settings.Count);

    private sealed record SpecJson(
        [property: JsonPropertyName("scenario")] string Scenario,
        [property: JsonPropertyName("seed")] string? Seed,
        [property: JsonPropertyName("set")] Dictionary<string, string>? Set);
}
