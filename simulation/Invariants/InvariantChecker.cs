using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// One named rule of the engine, checked online as the run goes (TigerBeetle's checkers, apart from the world):
/// it watches typed events, never the trace, and reports a broken rule with <see cref="Fail"/>. The run stops at
/// the end of that event and reports the name, the event, the virtual time and the trace's tail.
/// </summary>
public abstract class InvariantChecker : RunObserver
{
    /// <summary>The rule's name, as reports, sweeps and replay commands show it (<c>output-budget</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Reports a violation of this rule; only the run's first violation counts.</summary>
    protected void Fail(string detail) => Run.Simulation.Fail(Name, detail);
}
