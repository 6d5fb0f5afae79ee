using System.Diagnostics;
using Testbed.Simulator.Clients;
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
/// faults off), then each client taken out, then each request of a client taken out, then blocks of 32, 16, 8,
/// 4, 2 and 1 choices deleted (a request draws about 20), then each choice lowered (to 0, then by halving), then
/// adjacent pairs lowered together; they repeat until a round changes nothing or a limit is reached. A choice
/// lowered to 0 may take draws out of the run after it, so that edit is also tried read by decision name
/// (<see cref="AlignedChoices"/>). The whole search runs twice from the failing run, the second time reading
/// the plan's edits by name as well, and the smaller result is kept (see <see cref="Shrink"/>). Everything
/// after the violation is never drawn, so it is cut from the first run on. Deterministic: the same failing run
/// gives the same result.
/// </summary>
public sealed class Shrinker(Scenario scenario, RunSpec spec, string invariant, ShrinkLimits limits, IReadOnlyList<Func<RunObserver>>? observers = null)
{
    private readonly Stopwatch _clock = new();
    private List<Choice> _best = [];
    private bool _planByName;
    private int _steps;
    private int _runs;

    /// <summary>
    /// Shrinks the run whose realised choices are <paramref name="log"/>; it must break the invariant given. The
    /// search is greedy, so where it ends depends on which knob goes first. Read by name, a knob turned off
    /// leaves the streams it shortens in place, so knobs go while all the traffic is still there: on most planted
    /// bugs a smaller case, on some a larger one (a fault kept where a client's idle stretch would do). So both
    /// routes run, by position first, and the smaller result is kept; the limits cover the two together.
    /// </summary>
    public ShrinkResult Shrink(IReadOnlyList<Choice> log)
    {
        _clock.Restart();
        List<Choice>? smallest = null;
        string? stop = null;
        foreach (var planByName in (bool[])[false, true])
        {
            _planByName = planByName;
            _best = [.. log];
            stop = Rounds();
            smallest = smallest is null || Smaller(_best, smallest) ? _best : smallest;
            if (stop is not null)
            {
                break;
            }
        }

        return new ShrinkResult(smallest!, _steps, _runs, _clock.Elapsed, stop ?? "no edit makes it smaller");
    }

    /// <summary>The passes, round after round from <see cref="_best"/>, until one changes nothing (null) or a limit says stop.</summary>
    private string? Rounds()
    {
        while (true)
        {
            var before = _best;
            if (!PlanToSimplest() || !DropClients() || !DropRequests() || !DeleteBlocks() || !LowerEach() || !LowerPairs())
            {
                return _steps >= limits.MaxSteps ? $"{limits.MaxSteps} steps accepted"
                    : _runs >= limits.MaxRuns ? $"{limits.MaxRuns} runs tried"
                    : $"{limits.MaxSeconds} s passed";
            }

            if (ReferenceEquals(before, _best))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Plan choices to 0: the knob's simplest (a fault off, a limit at its default, one connection, the fewest
    /// requests). Last knob first: faults and limits go while the traffic that may need them is still there, and
    /// the traffic shrinks after, so a bug that needs two connections and no fault can lose the fault. The pass
    /// ends at the first knob the failure needs; <see cref="LowerEach"/> tries the rest, in draw order, once the
    /// traffic is smaller (going on through every knob here was measured on the planted bugs: larger cases).
    /// A knob turned off takes its draws out of the clients' and connections' streams; on the second route each
    /// is also tried read by decision name.
    /// </summary>
    private bool PlanToSimplest()
    {
        for (var i = _best.Count - 1; i >= 0; i--)
        {
            if (i >= _best.Count)
            {
                continue;
            }

            if (_best[i].Stream.StartsWith("plan.", StringComparison.Ordinal) && _best[i].Value > 0 && !TryKnobOff(i))
            {
                return !OverLimits;
            }
        }

        return !OverLimits;
    }

    /// <summary>Plan choice <paramref name="i"/> to 0, by position, and on the second route by name too.</summary>
    private bool TryKnobOff(int i) => _planByName ? TryEitherWay(With(i, 0)) : Try(With(i, 0));

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

    /// <summary>
    /// Each request of each client taken out: its block of draws deleted from the client's stream, the request
    /// count lowered by one, and a disruption in a later request moved down with it. Deleting blocks cannot do
    /// this: the count is drawn first, so a block deleted without it leaves the ending's draws where the last
    /// request's were, and the count lowered alone leaves the last request's draws where the ending's now are.
    /// Last request first, so the requests after the one that fails go first.
    /// </summary>
    private bool DropRequests()
    {
        foreach (var client in _best.Select(c => c.Stream).Where(s => s.StartsWith("client.", StringComparison.Ordinal)).Distinct().ToList())
        {
            // A kept edit renumbers the requests after it, so the stream is read again before each.
            var request = int.MaxValue;
            while (request > 0 && RequestsOf(client) is { } requests)
            {
                request = Math.Min(request - 1, requests.Starts.Count - 2);
                Try(Without(requests, request));
                if (OverLimits)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Where the requests of a client's stream stand in the log, read by <see cref="ClientDecisions"/>: the stream's
    /// positions; where in them each request's draws begin and, last, the ending's; and the positions of the
    /// request count and of the disrupted request's index (-1 if none). Null with one request or another shape.
    /// </summary>
    private ClientRequests? RequestsOf(string client)
    {
        var positions = Enumerable.Range(0, _best.Count).Where(i => _best[i].Stream == client).ToList();
        if (positions.Count == 0 || _best[positions[0]] is not { Decision: ClientDecisions.Requests, Value: > 0 } count)
        {
            return null;
        }

        var starts = new List<int>();
        for (var n = 1; n < positions.Count && starts.Count <= count.Value + 1; n++)
        {
            var decision = _best[positions[n]].Decision;
            if (ClientDecisions.BeginsTheEnding(decision) || (ClientDecisions.BeginsARequest(decision) && !ClientDecisions.BeginsARequest(_best[positions[n - 1]].Decision)))
            {
                starts.Add(n);
            }
        }

        // As many requests as the count says, each followed by the next or by the ending.
        if (starts.Count != count.Value + 2 || !ClientDecisions.BeginsTheEnding(_best[positions[starts[^1]]].Decision))
        {
            return null;
        }

        var exchange = positions.Skip(starts[^1]).FirstOrDefault(i => _best[i].Decision == ClientDecisions.Exchange, -1);
        return new ClientRequests(positions, starts, positions[0], exchange);
    }

    /// <summary>
    /// The log without request <paramref name="request"/> (from 0) of a client, its count and disruption lowered to
    /// match. With one request left the disrupted index is not drawn at all (there is nothing to choose), so it goes.
    /// </summary>
    private List<Choice> Without(ClientRequests requests, int request)
    {
        var block = requests.Positions[requests.Starts[request]..requests.Starts[request + 1]].ToHashSet();
        if (_best[requests.Count].Value == 1 && requests.Exchange >= 0)
        {
            block.Add(requests.Exchange);
        }

        var without = new List<Choice>(_best.Count - block.Count);
        for (var i = 0; i < _best.Count; i++)
        {
            if (!block.Contains(i))
            {
                var lower = i == requests.Count || (i == requests.Exchange && _best[i].Value > request);
                without.Add(lower ? _best[i] with { Value = _best[i].Value - 1 } : _best[i]);
            }
        }

        return without;
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
            // To 0 may take draws out after it (a method without a body, an app without its parameters): by name too.
            if (_best[i].Value == 0 || TryEitherWay(With(i, 0)))
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

    /// <summary>
    /// <paramref name="candidate"/> read by position, then, if that does not keep it, by decision name
    /// (<see cref="AlignedChoices"/>): an edit that takes draws out of a stream leaves the rest of it in place.
    /// </summary>
    private bool TryEitherWay(List<Choice> candidate) => Try(candidate) || Try(candidate, byName: true);

    /// <summary>Runs <paramref name="candidate"/>; keeps what it drew when the same invariant breaks and that is smaller.</summary>
    private bool Try(List<Choice> candidate, bool byName = false)
    {
        if (OverLimits)
        {
            return false;
        }

        _runs++;
        var recording = new RecordingChoices(byName ? new AlignedChoices(candidate) : new ForcedChoices(candidate));
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

/// <summary>
/// A client's requests in a log (<see cref="Shrinker"/>): the stream's log positions; indexes into them where each
/// request's draws begin, then where the ending's do; and the log positions of the count and the disrupted index.
/// </summary>
internal sealed record ClientRequests(List<int> Positions, List<int> Starts, int Count, int Exchange);

/// <summary>What a shrink ended with: the smallest failing choice log found, the steps it took and why it stopped.</summary>
public sealed record ShrinkResult(IReadOnlyList<Choice> Choices, int Steps, int Runs, TimeSpan Took, string StoppedBecause);
