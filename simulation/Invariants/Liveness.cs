using Testbed.Engine.Networking;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>liveness</c>: the run settles. Once faults stop and held writes are released, every client finishes or is
/// closed, timeouts fire at their virtual times, every app call returns, and the server stops gracefully within
/// a bounded virtual time. A connection whose read failed (the peer reset it) is closed at once, not left for a
/// timeout to find. A run that does not settle is a violation that says what is stuck, never a hang.
/// </summary>
internal sealed class Liveness : InvariantChecker
{
    public const string InvariantName = "liveness";

    /// <summary>How long a connection whose read failed may stay open: a heartbeat and a bit.</summary>
    private const long ResetGraceMicros = 1_500_000;

    private readonly Dictionary<SimConnection, long> _readFailedAt = new(ReferenceEqualityComparer.Instance);

    public override string Name => InvariantName;

    public override void ReadEnded(SimConnection connection, int status)
    {
        if (status != UvStatus.EOF)
        {
            _readFailedAt[connection] = Run.Simulation.NowMicros;
        }
    }

    public override void HandleClosed(UvHandle handle)
    {
        foreach (var (connection, _) in _readFailedAt.Where(r => ReferenceEquals(r.Key.ServerHandle, handle)).ToList())
        {
            _readFailedAt.Remove(connection);
        }
    }

    /// <summary>Each loop's heartbeat is a moment to look for connections left open after their read failed.</summary>
    public override void Callback(UvHandle handle, string callback)
    {
        if (callback != "timer" || _readFailedAt.Count == 0)
        {
            return;
        }

        var now = Run.Simulation.NowMicros;
        foreach (var (connection, failedAt) in _readFailedAt)
        {
            if (now - failedAt > ResetGraceMicros && !connection.ServerClosed)
            {
                Fail($"{connection.Name}: its read failed {(now - failedAt) / 1e6:0.###} s ago (the peer reset it), and the server has not closed it");
                return;
            }
        }
    }

    public override void RunEnded()
    {
        if (Run.Clients.FirstOrDefault(c => !c.Finished) is { } client)
        {
            Fail($"{client} never finished; {DescribeStuck(Run)}");
        }
        else if (Run.AppCalls.FirstOrDefault(c => !c.Finished) is { } call)
        {
            Fail($"{call.RequestId} ({call.App.Path}) never returned; {DescribeStuck(Run)}");
        }
    }

    /// <summary>What is still going: unfinished clients with their exchanges, app calls still running, connections still open.</summary>
    public static string DescribeStuck(RunContext run)
    {
        var clients = run.Clients.Where(c => !c.Finished).Take(3)
            .Select(c => $"{c.Name}: {string.Join(", ", c.Exchanges.Where(e => !e.IsSettled).Take(3).Select(e => $"{e.Request.Id} {e.State}"))}");
        var calls = run.AppCalls.Where(c => !c.Finished).Take(3).Select(c => $"{c.RequestId} in {c.App.Path} ({c.WritesPending} writes pending)");
        var open = run.Connections.All.Where(c => !c.Closed).Select(c => c.ToString()).Take(5);
        return $"clients not finished: [{string.Join("; ", clients)}], app calls running: [{string.Join("; ", calls)}], connections open: [{string.Join(", ", open)}]";
    }
}
