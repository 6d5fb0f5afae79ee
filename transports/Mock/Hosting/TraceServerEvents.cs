using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock.Hosting;

/// <summary>The engine's own events under simulation: a line in the trace next to the libuv calls, and a typed event for every observer.</summary>
internal sealed class TraceServerEvents(Simulation simulation) : IServerEvents
{
    private SimulationTrace Trace => simulation.Trace;

    public void ConnectionOpened(long connection, UvStreamHandle socket)
    {
        Trace.Add($"srv.open c{connection}");
        simulation.Notify(ObserverCall.ConnectionOpened, static (o, a) => o.ConnectionOpened(a.Connection, a.Socket), (Connection: connection, Socket: socket));
    }

    public void ConnectionClosed(long connection)
    {
        Trace.Add($"srv.closed c{connection}");
        simulation.Notify(ObserverCall.ConnectionClosed, static (o, c) => o.ConnectionClosed(c), connection);
    }

    public void RequestStarted(long connection, string method, string target)
    {
        Trace.Add($"srv.request c{connection} {method} {target}");
        simulation.Notify(ObserverCall.RequestStarted, static (o, a) => o.RequestStarted(a.Connection, a.Method, a.Target), (Connection: connection, Method: method, Target: target));
    }

    public void InterimResponseSent(long connection, int status)
    {
        Trace.Add($"srv.interim c{connection} {status}");
        simulation.Notify(ObserverCall.InterimResponseSent, static (o, a) => o.InterimResponseSent(a.Connection, a.Status), (Connection: connection, Status: status));
    }

    public void ResponseStarted(long connection, int status)
    {
        Trace.Add($"srv.response c{connection} {status}");
        simulation.Notify(ObserverCall.ResponseStarted, static (o, a) => o.ResponseStarted(a.Connection, a.Status), (Connection: connection, Status: status));
    }

    public void RequestEnded(long connection, bool keepAlive)
    {
        Trace.Add($"srv.request_end c{connection} keepalive={keepAlive}");
        simulation.Notify(ObserverCall.RequestEnded, static (o, a) => o.RequestEnded(a.Connection, a.KeepAlive), (Connection: connection, KeepAlive: keepAlive));
    }

    public void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
    {
        Trace.Add($"srv.write c{connection} bytes={bytes} end={end} {outcome}");
        simulation.Notify(
            ObserverCall.WriteAccepted,
            static (o, a) => o.WriteAccepted(a.Connection, a.Bytes, a.End, a.Outcome),
            (Connection: connection, Bytes: bytes, End: end, Outcome: outcome));
    }

    public void WriteReleased(long connection, long end, bool aborted)
    {
        Trace.Add($"srv.write_released c{connection} end={end}{(aborted ? " aborted" : string.Empty)}");
        simulation.Notify(ObserverCall.WriteReleased, static (o, a) => o.WriteReleased(a.Connection, a.End, a.Aborted), (Connection: connection, End: end, Aborted: aborted));
    }

    public void InputRead(long connection, int bytes, bool paused)
    {
        if (paused)
        {
            Trace.Add($"srv.input_paused c{connection}");
        }

        simulation.Notify(ObserverCall.InputRead, static (o, a) => o.InputRead(a.Connection, a.Bytes, a.Paused), (Connection: connection, Bytes: bytes, Paused: paused));
    }

    public void InputResumed(long connection)
    {
        Trace.Add($"srv.input_resumed c{connection}");
        simulation.Notify(ObserverCall.InputResumed, static (o, c) => o.InputResumed(c), connection);
    }

    public void TimedOut(long connection, ConnectionTimeout timeout)
    {
        Trace.Add($"srv.timeout c{connection} {timeout}");
        simulation.Notify(ObserverCall.TimedOut, static (o, a) => o.TimedOut(a.Connection, a.Timeout), (Connection: connection, Timeout: timeout));
    }

    public void Aborting(long connection, AbortReason reason)
    {
        Trace.Add($"srv.abort c{connection} {reason}");
        simulation.Notify(ObserverCall.Aborting, static (o, a) => o.Aborting(a.Connection, a.Reason), (Connection: connection, Reason: reason));
    }

    public void ConnectionRefused()
    {
        Trace.Add($"srv.refused");
        simulation.Notify(ObserverCall.ConnectionRefused, static (o, _) => o.ConnectionRefused(), 0);
    }

    public void AcceptPaused(int status)
    {
        Trace.Add($"srv.accept_paused status={status}");
        simulation.Notify(ObserverCall.AcceptPaused, static (o, s) => o.AcceptPaused(s), status);
    }

    public void AcceptResumed()
    {
        Trace.Add($"srv.accept_resumed");
        simulation.Notify(ObserverCall.AcceptResumed, static (o, _) => o.AcceptResumed(), 0);
    }

    public void EndTransition(long connection, string from, string to)
    {
        Trace.Add($"srv.end c{connection} {from}->{to}");
        simulation.Notify(ObserverCall.EndTransition, static (o, a) => o.EndTransition(a.Connection, a.From, a.To), (Connection: connection, From: from, To: to));
    }
}
