using Testbed.Engine.Infrastructure;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>output-budget</c>: a write completes to the app only while the bytes up to its end that the socket has not
/// taken fit MaxResponseBufferSize: <c>end - flushed &lt;= budget</c>, both when it is accepted and when it is
/// released. Releasing every waiter at once when one write completes breaks it (libuv-era Kestrel #356): each
/// released waiter's bytes count against the budget for the next.
/// </summary>
internal sealed class OutputBudget : InvariantChecker
{
    private readonly Dictionary<SimConnection, long> _flushed = new(ReferenceEqualityComparer.Instance);

    public override string Name => "output-budget";

    public override void WriteCompleting(MockWrite write, int status)
    {
        if (status == 0)
        {
            _flushed[write.Connection] = Flushed(write.Connection) + write.Length;
        }
    }

    public override void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
    {
        if (outcome == WriteOutcome.PreCompleted)
        {
            Check(connection, end, "completed at once");
        }
    }

    public override void WriteReleased(long connection, long end, bool aborted)
    {
        if (!aborted)
        {
            Check(connection, end, "was released");
        }
    }

    private void Check(long connection, long end, string what)
    {
        if (Run.ServerOptions.Limits.MaxResponseBufferSize is not { } budget || Run.Connections.Find(connection) is not { } served)
        {
            return;
        }

        var flushed = Flushed(served.Wire);
        if (end - flushed > budget)
        {
            Fail($"c{connection}: a write ending at {end} {what} with only {flushed} bytes taken by the socket: {end - flushed} bytes ahead, over the budget of {budget}");
        }
    }

    private long Flushed(SimConnection connection) => _flushed.GetValueOrDefault(connection);
}
