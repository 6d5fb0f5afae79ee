namespace Testbed.Transports.Mock;

/// <summary>What kind of rule stopped a simulation.</summary>
public enum SimulationFailure
{
    /// <summary>A rule of the simulated world: a misuse libuv would not survive, writes completed out of order.</summary>
    WorldRule,

    /// <summary>An event threw: the exception escaped from engine or app code into the transport.</summary>
    EventThrew,

    /// <summary>Work left the simulation's thread.</summary>
    ThreadEscape,

    /// <summary>The run did not settle: too many events, too many queued, or a condition never met.</summary>
    NotSettled,

    /// <summary>A named invariant was broken (<see cref="InvariantViolation"/>).</summary>
    Invariant,
}

/// <summary>A simulation broke one of its own rules: work escaped its thread, a run did not settle, or an invariant failed.</summary>
public class SimulationException(string message, Exception? inner = null, SimulationFailure failure = SimulationFailure.WorldRule) : Exception(message, inner)
{
    public SimulationFailure Failure { get; } = failure;
}
