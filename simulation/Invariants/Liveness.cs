using Testbed.Simulator.Clients;
using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>liveness</c>: the run settles. Once faults stop and held writes are released, every client finishes or is
/// closed, timeouts fire at their virtual times, every app call returns, and the server stops gracefully within
/// a bounded virtual time. A run that does not is a violation that says what is stuck, never a hang.
/// </summary>
public sealed class Liveness : InvariantChecker
{
    public const string InvariantName = "liveness";

    public override string Name => InvariantName;

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
