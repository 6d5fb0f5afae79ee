namespace Testbed.Transports.Mock;

/// <summary>A simulation broke one of its own rules: work escaped its thread, a run did not settle, or an invariant failed.</summary>
public class SimulationException(string message, Exception? inner = null) : Exception(message, inner);
