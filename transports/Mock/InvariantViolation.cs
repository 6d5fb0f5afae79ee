namespace Testbed.Transports.Mock;

/// <summary>
/// A named rule of the run was broken: which rule, what happened, and where in the run (the event number and
/// the virtual time at which it was seen). The run stops at the end of that event.
/// </summary>
public sealed class InvariantViolation(string invariant, string detail, long eventNumber, long virtualMicros, long traceLine)
    : SimulationException($"{invariant}: {detail} (event {eventNumber} at {virtualMicros} µs)", failure: SimulationFailure.Invariant)
{
    /// <summary>The invariant's name (<c>output-budget</c>, <c>liveness</c> ...).</summary>
    public string Invariant { get; } = invariant;

    /// <summary>What was seen, without the place.</summary>
    public string Detail { get; } = detail;

    /// <summary>The event during which it was seen (<see cref="Simulation.EventsRun"/>).</summary>
    public long EventNumber { get; } = eventNumber;

    public long VirtualMicros { get; } = virtualMicros;

    /// <summary>The number of the trace's last line when it was seen (0 when the run is not traced).</summary>
    public long TraceLine { get; } = traceLine;
}
