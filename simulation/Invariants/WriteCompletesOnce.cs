using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>write-completes-once</c>: every write the engine made wait completes exactly once, released by the socket
/// catching up or by an abort, and every write an app awaited completed by the end of the run. A waiter the
/// engine forgets (on a write error, say) leaves its app hanging forever.
/// </summary>
internal sealed class WriteCompletesOnce : InvariantChecker
{
    private readonly Dictionary<long, List<long>> _waiting = [];

    public override string Name => "write-completes-once";

    public override void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
    {
        if (outcome == WriteOutcome.Waiting)
        {
            Waiters(connection).Add(end);
        }
    }

    public override void WriteReleased(long connection, long end, bool aborted)
    {
        if (!Waiters(connection).Remove(end))
        {
            Fail($"c{connection}: the write ending at {end} was released{(aborted ? " by the abort" : string.Empty)}, but no write ending there was waiting (released twice, or never made to wait)");
        }
    }

    public override void AppCallEnded(AppCall call, Exception? exception)
    {
        if (call.WritesPending > 0)
        {
            Fail($"{call.RequestId} ({call.App.Path}) on c{call.Context.ConnectionId} ended with {call.WritesPending} writes still pending");
        }
    }

    public override void RunEnded()
    {
        foreach (var (connection, ends) in _waiting.Where(w => w.Value.Count > 0))
        {
            Fail($"c{connection}: {ends.Count} writes never completed (waiting at ends {string.Join(", ", ends.Take(5))})");
            return;
        }

        if (Run.AppCalls.FirstOrDefault(c => c.WritesPending > 0) is { } stuck)
        {
            Fail($"{stuck.RequestId} ({stuck.App.Path}) on c{stuck.Context.ConnectionId} still waits for {stuck.WritesPending} writes at the end of the run");
        }
    }

    private List<long> Waiters(long connection)
    {
        if (!_waiting.TryGetValue(connection, out var ends))
        {
            _waiting[connection] = ends = [];
        }

        return ends;
    }
}
