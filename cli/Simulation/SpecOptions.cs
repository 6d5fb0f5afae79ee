using System.CommandLine;
using System.CommandLine.Parsing;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;

namespace Testbed.Cli.Simulation;

/// <summary>A knob's value as a flag gave it; <see cref="Value"/> null is "unlimited".</summary>
internal readonly record struct KnobValue(long? Value);

/// <summary>
/// The flags that make a <see cref="RunSpec"/>: <c>--scenario</c>, <c>--seed</c> (for one run) and one flag per
/// knob, each parsed by the knob itself, so a spec's own rendering reads back through them to an equal spec.
/// </summary>
internal sealed class SpecOptions
{
    private readonly Dictionary<Knob, Option<KnobValue?>> _knobs = [];

    public SpecOptions(bool withSeed)
    {
        Scenario = new Option<string>("--scenario")
        {
            Description = $"The scenario: {string.Join(", ", ScenarioCatalog.All.Select(s => $"{s.Name} ({s.Description})"))}",
            DefaultValueFactory = _ => ScenarioCatalog.Default.Name,
        };
        Scenario.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } name && ScenarioCatalog.Find(name) is null)
            {
                r.AddError($"--scenario: unknown scenario '{name}' (known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))})");
            }
        });
        Seed = withSeed
            ? new Option<ulong?>("--seed")
            {
                Description = $"The seed every random choice of the run comes from (default {DefaultSeed})",
                CustomParser = r => WholeNumberFlag.Parse(r, "--seed", ulong.MinValue, ulong.MaxValue),
            }
            : null;
        foreach (var knob in Knobs.All)
        {
            var flag = "--" + knob.Name;
            _knobs[knob] = new Option<KnobValue?>(flag)
            {
                Description = knob.Description + " (default: drawn from the seed)",
                HelpName = knob.Unit.ToString().ToLowerInvariant(),
                CustomParser = r => Parse(r, flag, knob),
            };
        }
    }

    /// <summary>The seed of a run that names none, so a bare <c>testbed simulate</c> is itself reproducible.</summary>
    public const ulong DefaultSeed = 1;

    public Option<string> Scenario { get; }

    public Option<ulong?>? Seed { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Scenario);
        if (Seed is not null)
        {
            command.Options.Add(Seed);
        }

        foreach (var option in _knobs.Values)
        {
            command.Options.Add(option);
        }

        // A knob the scenario does not have is a mistake, not something to ignore.
        command.Validators.Add(r =>
        {
            if (ScenarioCatalog.Find(r.GetValue(Scenario) ?? string.Empty) is not { } scenario)
            {
                return;
            }

            foreach (var (knob, option) in _knobs)
            {
                if (r.GetResult(option) is not null && !scenario.Knobs.Any(k => k.Knob == knob))
                {
                    r.AddError($"--{knob.Name}: scenario '{scenario.Name}' has no such knob");
                    return;
                }
            }
        });
    }

    /// <summary>The spec the flags describe, for <paramref name="seed"/> when the command has no --seed.</summary>
    public RunSpec Read(ParseResult parsed, ulong? seed = null)
    {
        var settings = new Dictionary<string, long?>();
        foreach (var (knob, option) in _knobs)
        {
            if (parsed.GetValue(option) is { } value)
            {
                settings[knob.Name] = value.Value;
            }
        }

        return new RunSpec(parsed.GetValue(Scenario)!, seed ?? (Seed is null ? DefaultSeed : parsed.GetValue(Seed) ?? DefaultSeed), settings);
    }

    private static KnobValue? Parse(ArgumentResult result, string flag, Knob knob)
    {
        if (result.Tokens is not [var token])
        {
            return null;
        }

        if (!knob.TryParse(token.Value, out var value, out var error))
        {
            result.AddError($"{flag}: {error}");
            return null;
        }

        return new KnobValue(value);
    }
}
