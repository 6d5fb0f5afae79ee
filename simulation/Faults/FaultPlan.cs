using System.Text;
using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Faults;

/// <summary>Whether a plan entry was set by the run or drawn from the seed.</summary>
public enum KnobSource
{
    Drawn,
    Set,
}

/// <summary>One resolved knob of a plan.</summary>
public sealed record PlanEntry(Knob Knob, long? Value, KnobSource Source)
{
    public override string ToString() => $"{Knob.Name}={Knob.Format(Value)}";
}

/// <summary>
/// Everything a run's world, clients and apps will be, drawn up front (TigerBeetle VOPR's swarm options): each
/// knob the scenario uses, either set by the run's <see cref="RunSpec"/> or drawn from the knob's own stream
/// <c>plan.NAME</c>, so adding a knob leaves every other draw alone. It is typed, printed in the trace header
/// and by <c>--explain</c>, and fixed before the first event.
/// </summary>
public sealed class FaultPlan
{
    private readonly Dictionary<Knob, PlanEntry> _entries;

    private FaultPlan(IReadOnlyList<PlanEntry> entries)
    {
        Entries = entries;
        _entries = entries.ToDictionary(e => e.Knob);
    }

    /// <summary>The entries in the scenario's order.</summary>
    public IReadOnlyList<PlanEntry> Entries { get; }

    /// <summary>Resolves every knob of <paramref name="draws"/>: the run's setting, or a draw from the plan stream of that knob.</summary>
    public static FaultPlan Resolve(IReadOnlyList<KnobDraw> draws, RunSpec spec, IChoiceSource choices)
    {
        var entries = new List<PlanEntry>(draws.Count);
        foreach (var draw in draws)
        {
            entries.Add(spec.Settings.TryGetValue(draw.Knob.Name, out var value)
                ? new PlanEntry(draw.Knob, value, KnobSource.Set)
                : new PlanEntry(draw.Knob, Clamp(draw.Knob, Drawn(draw, entries, choices)), KnobSource.Drawn));
        }

        return new FaultPlan(entries);
    }

    private static long? Drawn(KnobDraw draw, List<PlanEntry> earlier, IChoiceSource choices)
    {
        var value = draw.Draw(ChoiceStream.Untraced(choices, "plan." + draw.Knob.Name));
        if (draw.Under is not { } under || value is null)
        {
            return value;
        }

        var baseEntry = earlier.Find(e => e.Knob == under);
        Invariant.Assert(baseEntry is not null, $"knob '{draw.Knob.Name}' is drawn over '{under.Name}', which the scenario must list before it");
        return baseEntry.Value is { } baseValue ? baseValue + value : null;
    }

    public bool Uses(Knob knob) => _entries.ContainsKey(knob);

    /// <summary>The knob's value; null means unlimited.</summary>
    public long? Value(Knob knob) => _entries.TryGetValue(knob, out var entry)
        ? entry.Value
        : throw new InvalidOperationException($"the plan has no knob '{knob.Name}'");

    /// <summary>A knob that is never unlimited, as a number.</summary>
    public long Number(Knob knob) => Value(knob) ?? throw new InvalidOperationException($"knob '{knob.Name}' is unlimited");

    public int Count(Knob knob) => checked((int)Number(knob));

    /// <summary>A rate knob as a chance in [0, 1].</summary>
    public double Chance(Knob knob) => Number(knob) / (double)Knob.PartsPerMillion;

    public TimeSpan Seconds(Knob knob) => TimeSpan.FromSeconds(Number(knob));

    /// <summary>One line: every entry as NAME=VALUE, in the scenario's order.</summary>
    public override string ToString() => string.Join(' ', Entries);

    /// <summary>A table for <c>--explain</c>: each knob, its value, whether it was set or drawn, and what it does.</summary>
    public string Explain()
    {
        var width = Entries.Count == 0 ? 0 : Entries.Max(e => e.Knob.Name.Length);
        var valueWidth = Entries.Count == 0 ? 0 : Entries.Max(e => e.Knob.Format(e.Value).Length);
        var text = new StringBuilder();
        foreach (var entry in Entries)
        {
            text.Append(entry.Knob.Name.PadRight(width)).Append("  ")
                .Append(entry.Knob.Format(entry.Value).PadRight(valueWidth)).Append("  ")
                .Append(entry.Source == KnobSource.Set ? "set  " : "drawn").Append("  ")
                .Append(entry.Knob.Description).Append('\n');
        }

        return text.ToString();
    }

    private static long? Clamp(Knob knob, long? value) =>
        value is { } v ? Math.Clamp(v, knob.Min, knob.Max) : knob.CanBeUnlimited ? null : knob.Min;
}
