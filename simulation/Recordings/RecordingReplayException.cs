namespace Testbed.Simulator.Recordings;

/// <summary>A recording that cannot be replayed as it is (no request bytes, a setting or loop this replay cannot use); the message says why, in one line.</summary>
public sealed class RecordingReplayException(string message) : Exception(message);
