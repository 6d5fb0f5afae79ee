using Testbed.Engine.Connections;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>timeouts-on-time</c>: no timeout fires early. The keep-alive timeout closes a connection only once it has been
/// idle for KeepAliveTimeout since its last request ended, and a 408 comes only once RequestHeadersTimeout has
/// passed since the head's first byte arrived. (That a timeout fires at all is liveness.)
/// </summary>
internal sealed class TimeoutsOnTime : InvariantChecker
{
    private readonly Dictionary<long, long> _headStarted = [];

    public override string Name => "timeouts-on-time";

    public override void ReadDelivered(SimConnection connection, int bytes, int segments)
    {
        if (bytes > 0 && Run.Connections.Find(connection) is { } served && !_headStarted.ContainsKey(served.Id))
        {
            _headStarted[served.Id] = Run.Simulation.NowMicros;
        }
    }

    public override void RequestStarted(long connection, string method, string target) => _headStarted.Remove(connection);

    public override void RequestEnded(long connection, bool keepAlive) => _headStarted.Remove(connection);

    public override void TimedOut(long connection, ConnectionTimeout timeout)
    {
        if (Run.Connections.Find(connection) is not { } served)
        {
            return;
        }

        var now = Run.Simulation.NowMicros;
        var limits = Run.ServerOptions.Limits;
        if (timeout == ConnectionTimeout.KeepAlive && now - served.IdleSince < Micros(limits.KeepAliveTimeout))
        {
            Fail($"c{connection}: the keep-alive timeout fired after {Seconds(now - served.IdleSince)} s idle, before its {limits.KeepAliveTimeout.TotalSeconds} s");
        }
        else if (timeout == ConnectionTimeout.RequestHeaders && _headStarted.TryGetValue(connection, out var started) && now - started < Micros(limits.RequestHeadersTimeout))
        {
            Fail($"c{connection}: the request-headers timeout fired {Seconds(now - started)} s after the head began, before its {limits.RequestHeadersTimeout.TotalSeconds} s");
        }
    }

    private static long Micros(TimeSpan span) => span.Ticks / 10;

    private static string Seconds(long micros) => (micros / 1e6).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
