using Testbed.Engine.Connections;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>clean-stop</c>: a graceful stop ends without an error, with every handle closed and every loop closed
/// (uv_loop_close succeeds: libuv refuses it with EBUSY while a handle is open). It is graceful: a connection
/// that was idle when the stop began (no request in flight, nothing its client still waits for) gets its FIN at
/// once; only what is still busy, or still lingering, when ShutdownTimeout runs out may be aborted.
/// </summary>
internal sealed class CleanStop : InvariantChecker
{
    public override string Name => "clean-stop";

    /// <summary>
    /// The stop's own abort is fair for a connection still busy: a request in flight, or a client still waiting for
    /// something (a head still arriving, a response still owed). An idle one should have had its FIN.
    /// </summary>
    public override void Aborting(long connection, AbortReason reason)
    {
        if (reason != AbortReason.ServerStopping || Run.Connections.Find(connection) is not { RequestsInFlight: 0 } served
            || served.Wire.ClientReset || served.Wire.Broken || served.Ending)
        {
            return;
        }

        var client = Run.Clients.FirstOrDefault(c => ReferenceEquals(c.Connection, served.Wire));
        if (client is not null && !client.Exchanges.Any(e => e.State is ExchangeState.Sent or ExchangeState.Sending))
        {
            Fail($"c{connection} was idle, and the stop aborted it without a FIN first");
        }
    }

    public override void Misuse(LibuvMisuse kind, string call, string detail)
    {
        if (kind == LibuvMisuse.LoopCloseBusy)
        {
            Fail(detail);
        }
    }

    public override void RunEnded()
    {
        if (Run.Stop is not { IsCompleted: true } stop)
        {
            return; // The stop never ended: liveness says so.
        }

        if (stop.Exception is { } failure)
        {
            Fail($"the stop failed: {failure.InnerException?.GetType().Name}: {failure.InnerException?.Message}");
        }
        else if (Run.Simulation.Libuv.OpenHandles > 0)
        {
            Fail($"{Run.Simulation.Libuv.OpenHandles} handles still open after the stop");
        }
        else if (!Run.Simulation.Libuv.AllLoopsClosed)
        {
            Fail("a loop did not close after the stop");
        }
    }
}
