namespace Testbed.Benchmarks;

/// <summary>
/// A benchmark whose operation is a fixed number of simulation runs. A seed and its options fix a run, so
/// running the operation once more in the host gives exactly the event count each measured operation made.
/// </summary>
public interface ICountedRuns
{
    /// <summary>Runs the operation once, with the benchmark's parameters set, and counts what it did.</summary>
    (long Events, int Runs) Count();
}
