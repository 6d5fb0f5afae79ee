namespace Testbed.Transports.Mock.Choices;

/// <summary>
/// One named stream of choices, with the shapes of draw the simulation needs. Every draw's simplest value is 0:
/// no fault, the shortest delay, the first candidate. That is what a shrinker pushes choices towards, so a
/// chance is drawn such that 0 means "it did not happen". Draws on a simulation's streams are traced.
/// </summary>
public sealed class ChoiceStream
{
    private const long ChanceScale = 1_000_000;

    private readonly IChoiceSequence _sequence;
    private readonly SimulationTrace? _trace;

    internal ChoiceStream(string name, IChoiceSequence sequence, SimulationTrace? trace)
    {
        Name = name;
        _sequence = sequence;
        _trace = trace;
    }

    /// <summary>The stream's name, as the trace and a choice log show it (<c>net.k3</c>, <c>client.k1</c>, <c>sched</c>).</summary>
    public string Name { get; }

    /// <summary>A stream that is not part of a simulation (the run's plan, drawn before the world exists): not traced.</summary>
    public static ChoiceStream Untraced(IChoiceSource source, string name) => new(name, source.Open(name), null);

    /// <summary>A choice in [0, <paramref name="exclusiveMax"/>); no draw (and no trace line) when there is only one.</summary>
    public long Choose(string decision, long exclusiveMax)
    {
        if (exclusiveMax <= 1)
        {
            return 0;
        }

        var value = _sequence.Next(decision, exclusiveMax);
        Simulation.Check(value >= 0 && value < exclusiveMax, "a choice source answered outside the bound it was given");
        _trace?.Add($"rng {Name} {decision}={value}/{exclusiveMax}");
        return value;
    }

    /// <summary>A value in [min, max]: min plus a choice, so the simplest answer is the minimum.</summary>
    public long Between(string decision, (long Min, long Max) range) =>
        range.Max <= range.Min ? range.Min : range.Min + Choose(decision, range.Max - range.Min + 1);

    /// <summary>True with probability <paramref name="chance"/>; no draw when the chance is 0 or less. A choice of 0 is false.</summary>
    public bool Chance(string decision, double chance)
    {
        if (chance <= 0)
        {
            return false;
        }

        var threshold = ChanceScale - (long)Math.Round(Math.Min(chance, 1) * ChanceScale);
        return Choose(decision, ChanceScale) >= threshold;
    }

    /// <summary>One of <paramref name="items"/>, the first being the simplest.</summary>
    public T Pick<T>(string decision, IReadOnlyList<T> items)
    {
        Simulation.Check(items.Count > 0, "nothing to pick from");
        return items[(int)Choose(decision, items.Count)];
    }
}
