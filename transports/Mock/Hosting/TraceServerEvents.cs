using Testbed.Engine.Infrastructure;

namespace Testbed.Transports.Mock.Hosting;

/// <summary>Writes the engine's own events into the simulation trace, next to the libuv calls.</summary>
internal sealed class TraceServerEvents(Simulation simulation) : IServerEvents
{
    private SimulationTrace Trace => simulation.Trace;

    public void ConnectionOpened(long connection) => Trace.Add($"srv.open c{connection}");

    public void ConnectionClosed(long connection) => Trace.Add($"srv.closed c{connection}");

    public void RequestStarted(long connection, string method, string target) => Trace.Add($"srv.request c{connection} {method} {target}");

    public void ResponseStarted(long connection, int status) => Trace.Add($"srv.response c{connection} {status}");

    public void RequestEnded(long connection, bool keepAlive) => Trace.Add($"srv.request_end c{connection} keepalive={keepAlive}");

    public void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome) =>
        Trace.Add($"srv.write c{connection} bytes={bytes} end={end} {outcome}");

    public void WriteReleased(long connection, long end) => Trace.Add($"srv.write_released c{connection} end={end}");

    public void EndTransition(long connection, string from, string to) => Trace.Add($"srv.end c{connection} {from}->{to}");
}
