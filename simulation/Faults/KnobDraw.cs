using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Faults;

/// <summary>How a scenario draws one knob when a run does not set it, from that knob's own plan stream.</summary>
public sealed record KnobDraw(Knob Knob, Func<ChoiceStream, long?> Draw)
{
    /// <summary>Always <paramref name="value"/>: the knob can be set, but the scenario does not vary it.</summary>
    public static KnobDraw Fixed(Knob knob, long? value) => new(knob, _ => value);

    /// <summary>
    /// A swarm draw (VOPR's options_swarm): off for about half the seeds, otherwise one of <paramref name="levels"/>
    /// (in parts per million for a rate), so each seed explores its own mix and intensity of faults.
    /// </summary>
    public static KnobDraw Swarm(Knob knob, params long[] levels) =>
        new(knob, stream => stream.Chance("on", 0.5) ? stream.Pick("level", levels) : 0);

    /// <summary>Any whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static KnobDraw Between(Knob knob, long min, long max) => new(knob, stream => stream.Between("value", (min, max)));

    /// <summary>
    /// A count drawn on top of an earlier knob's value (<paramref name="under"/>, which the scenario lists first):
    /// <c>fd-limit</c> is the loops' listen sockets plus a few spare descriptors, so its simplest draw is the least
    /// that still lets every loop bind, whatever the loop count. Null (unlimited) stays null.
    /// </summary>
    internal static KnobDraw Over(Knob knob, Knob under, Func<ChoiceStream, long?> extra) => new(knob, extra) { Under = under };

    /// <summary>The knob whose value <see cref="Draw"/> adds to, if any (<see cref="Over"/>).</summary>
    internal Knob? Under { get; private init; }

    /// <summary>A rate in parts per million.</summary>
    public static long Percent(double percent) => (long)(percent * Knob.PartsPerMillion / 100);
}
