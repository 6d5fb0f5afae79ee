namespace Testbed.Transports.Mock.Choices;

/// <summary>
/// Where a simulation's random choices come from. Each concern draws from its own named stream (the plan, each
/// connection's network and faults, each client, the scheduler), so a draw added in one place shifts no other.
/// The seeded source is the default; a recorded or forced sequence of choices (for replay and shrinking) is
/// another source behind the same two calls.
/// </summary>
public interface IChoiceSource
{
    /// <summary>The sequence of choices of the stream named <paramref name="stream"/>, opened once per stream and run.</summary>
    IChoiceSequence Open(string stream);
}

/// <summary>One stream's choices, in the order they are drawn.</summary>
public interface IChoiceSequence
{
    /// <summary>The next choice, in [0, <paramref name="exclusiveMax"/>): 0 is always the simplest answer to <paramref name="decision"/>.</summary>
    long Next(string decision, long exclusiveMax);
}
