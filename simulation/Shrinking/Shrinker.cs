using System.Diagnostics;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Shrinking;

/// <summary>Where a shrink stops: accepted steps, wall time, and the runs it may try.</summary>
public sealed record ShrinkLimits(int MaxSteps = 500, int MaxSeconds = 300, int MaxRuns = 20_000);

/// <summary>
/// Shrinks a failing run the way Hypothesis shrinks a test case: not its values but its choice log. Each
/// candidate is the current log with one edit, run with those choices forced; it is kept when the same
/// invariant breaks and the choices the run actually drew are smaller in shortlex order (fewer, then lower).
/// The passes go coarse to fine: the plan's choices to their simplest (fewer connections and requests, whole
/// faults off), then each client taken out, then blocks of 32, 16, 8, 4, 2 and 1 choices deleted (a request
/// draws about 20), then each choice lowered (to 0, then by halving), then adjacent pairs lowered together;
/// they repeat until a round changes nothing or a limit is reached. Everything after the violation is never
/// drawn, so it is cut from the first run on. Deterministic: the same failing run gives the same result.
/// </summary>
public sealed class Shrinker(Scenario scenario, RunSpec spec, string invariant, ShrinkLimits limits, IReadOnlyList<Func<RunObserver>>? observers = null)
{
    private readonly Stopwatch _clock = new();
    private List<Choice> _best = [];
    private int _steps;
    private int _runs;

    /// <summary>Shrinks the run whose realised choices are <paramref name="log"/>; it must break the invariant given.</summary>
    public ShrinkResult Shrink(IReadOnlyList<Choice> log)
    {
        _clock.Restart();
        _best = [.. log];
        var stop = "no edit makes it smaller";
        while (true)
        {
            var before = _best;
            if (!PlanToSimplest() || !DropClients() || !DeleteBlocks() || !LowerEach() || !LowerPairs())
            {
                stop = _steps >= limits.MaxSteps ? $"{limits.MaxSteps} steps accepted"
                    : _runs >= limits.MaxRuns ? $"{limits.MaxRuns} runs tried"
                    : $"{limits.MaxSeconds} s passed";
                break;
            }

            if (ReferenceEquals(before, _best))
            {
                break;
            }
        }

        return new ShrinkResult(_best, _steps, _runs, _clock.Elapsed, stop);
    }

    /// <summary>
    /// Every plan choice to 0: the knob's simplest (a fault off, a limit at its default, one connection, the fewest
    /// requests). Last knob first: faults and limits go while the traffic that may need them is still there, and
    /// the traffic shrinks after, so a bug that needs two connections and no fault can lose the fault.
    /// </summary>
    private bool PlanToSimplest()
    {
        for (var i = _best.Count - 1; i >= 0; i--)
        {
            if (i >= _best.Count)
            {
                continue;
            }

            if (_best[i].Stream.StartsWith("plan.", StringComparison.Ordinal) && _best[i].Value > 0 && !Try(With(i, 0)))
            {
                return !OverLimits;
            }
        }

        return !OverLimits;
    }

    /// <summary>
    /// Each client in turn taken out of the run: its streams dropped, the later clients' streams renumbered down
    /// into the gap (client, network and fault streams alike), and one connection fewer in the plan. Lowering
    /// the connection count alone can only drop the last clients, and the one that matters is often earlier.
    /// </summary>
    private bool DropClients()
    {
        var clients = _best.Select(c => ClientOf(c.Stream)).Where(k => k > 0).DefaultIfEmpty(0).Max();
        for (var k = clients; k >= 1; k--)
        {
            var connections = _best.FindIndex(c => c.Stream == "plan.connections");
            var without = _best.Where(c => ClientOf(c.Stream) != k).Select(c => ClientOf(c.Stream) is var n && n > k ? c with { Stream = Renumbered(c.Stream, n - 1) } : c).ToList();
            if (connections >= 0 && _best[connections].Value > 0)
            {
                without[without.FindIndex(c => c.Stream == "plan.connections")] = _best[connections] with { Value = _best[connections].Value - 1 };
            }

            Try(without);
            if (OverLimits)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The N of a per-connection stream (<c>client.kN</c>, <c>net.kN</c>, <c>faults.kN</c>), or 0.</summary>
    private static int ClientOf(string stream)
    {
        var dot = stream.IndexOf(".k", StringComparison.Ordinal);
        return dot > 0 && stream[..dot] is "client" or "net" or "faults" && int.TryParse(stream.AsSpan(dot + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private static string Renumbered(string stream, int n) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{stream[..stream.IndexOf(".k", StringComparison.Ordinal)]}.k{n}");

    private bool DeleteBlocks()
    {
        foreach (var size in (int[])[32, 16, 8, 4, 2, 1])
        {
            for (var i = _best.Count - size; i >= 0; i--)
            {
                if (i + size <= _best.Count)
                {
                    Try([.. _best.Take(i), .. _best.Skip(i + size)]);
                }

                if (OverLimits)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool LowerEach()
    {
        for (var i = 0; i < _best.Count; i++)
        {
            if (_best[i].Value == 0 || Try(With(i, 0)))
            {
                continue;
            }

            // The lowest value that still fails, by halving the distance to the highest known to pass (lo). A kept
            // edit can change what stands at i; the search then ends as soon as it is below lo.
            var lo = 0L;
            while (i < _best.Count && _best[i].Value - lo > 1 && !OverLimits)
            {
                var mid = lo + ((_best[i].Value - lo) / 2);
                if (!Try(With(i, mid)))
                {
                    lo = mid;
                }
            }

            if (OverLimits)
            {
                return false;
            }
        }

        return true;
    }

    private bool LowerPairs()
    {
        for (var i = 0; i + 1 < _best.Count; i++)
        {
            if (_best[i].Value > 0 && _best[i + 1].Value > 0)
            {
                var pair = new List<Choice>(_best);
                pair[i] = pair[i] with { Value = pair[i].Value / 2 };
                pair[i + 1] = pair[i + 1] with { Value = pair[i + 1].Value / 2 };
                Try(pair);
            }

            if (OverLimits)
            {
                return false;
            }
        }

        return true;
    }

    private List<Choice> With(int index, long value)
    {
        var edited = new List<Choice>(_best);
        edited[index] = edited[index] with { Value = value };
        return edited;
    }

    private bool OverLimits => _steps >= limits.MaxSteps || _runs >= limits.MaxRuns || _clock.Elapsed.TotalSeconds >= limits.MaxSeconds;

    /// <summary>Runs <paramref name="candidate"/>; keeps what it drew when the same invariant breaks and that is smaller.</summary>
    private bool Try(List<Choice> candidate)
    {
        if (OverLimits)
        {
            return false;
        }

        _runs++;
        var recording = new RecordingChoices(new ForcedChoices(candidate));
        var result = Runner.Run(scenario, spec, new RunOptions { Choices = recording, TraceTail = 0, Observers = observers ?? [] });
        if (result.Failure?.Invariant != invariant || !Smaller(recording.Log, _best))
        {
            return false;
        }

        _best = [.. recording.Log];
        _steps++;
        return true;
    }

    /// <summary>Shortlex: fewer choices, or as many and the first that differs lower.</summary>
    public static bool Smaller(IReadOnlyList<Choice> a, IReadOnlyList<Choice> b)
    {
        if (a.Count != b.Count)
        {
            return a.Count < b.Count;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Value != b[i].Value)
            {
                return a[i].Value < b[i].Value;
            }
        }

        return false;
    }
}

/// <summary>What a shrink ended with: the smallest failing choice log found, the steps it took and why it stopped.</summary>
public sealed record ShrinkResult(IReadOnlyList<Choice> Choices, int Steps, int Runs, TimeSpan Took, string StoppedBecause);
