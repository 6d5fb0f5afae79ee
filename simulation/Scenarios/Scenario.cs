using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Scenarios;

/// <summary>
/// A kind of run: which knobs it has and how each is drawn from the seed, and what happens in the world (a
/// server, its clients, the phases of traffic, liveness and stop). The runner resolves the plan, builds the world
/// and attaches the invariants; a scenario only drives.
/// </summary>
public abstract class Scenario
{
    /// <summary>The name <c>--scenario</c> takes.</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>--help</c> and the docs.</summary>
    public abstract string Description { get; }

    /// <summary>The knobs this scenario reads, each with how it is drawn when a run does not set it, in plan order.</summary>
    public abstract IReadOnlyList<KnobDraw> Knobs { get; }

    /// <summary>
    /// Where a run's choices come from when <see cref="RunOptions.Choices"/> gives none: the spec's seed. A scenario
    /// whose plain run is not the seed's (a recording's replay keeps every connection and read) says so here.
    /// </summary>
    public virtual IChoiceSource DefaultChoices(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new SeededChoices(spec.Seed);
    }

    /// <summary>Drives one run. A broken rule is reported by the checkers; the scenario need not check anything itself.</summary>
    public abstract void Run(RunContext run);
}
