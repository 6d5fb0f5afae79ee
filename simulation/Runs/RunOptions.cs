using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Runs;

/// <summary>How to run a spec, beyond what the spec says: none of this changes what the run does.</summary>
public sealed class RunOptions
{
    /// <summary>Record the trace (slower; a sweep runs without it and traces a failing seed again).</summary>
    public bool Trace { get; init; }

    /// <summary>Compare every uv_write's buffers at completion with their bytes at submission (on by default; the benchmark measures without).</summary>
    public bool VerifyWriteBuffers { get; init; } = true;

    /// <summary>How many trace lines a failure keeps, counting back from the violation.</summary>
    public int TraceTail { get; init; } = 40;

    /// <summary>Where the run's choices come from; by default the spec's seed.</summary>
    public IChoiceSource? Choices { get; init; }

    /// <summary>Observers (a user's own invariants) to attach besides the built-in ones, made fresh for each run.</summary>
    public IReadOnlyList<Func<RunObserver>> Observers { get; init; } = [];

    /// <summary>The same options with the trace on.</summary>
    public RunOptions WithTrace() => new()
    {
        Trace = true,
        VerifyWriteBuffers = VerifyWriteBuffers,
        TraceTail = TraceTail,
        Choices = Choices,
        Observers = Observers,
    };
}
