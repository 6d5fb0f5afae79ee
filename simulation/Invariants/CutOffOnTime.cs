using Testbed.Engine.Connections;
using Testbed.Engine.Networking;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>cut-off-on-time</c>: a hostile client is cut off by its virtual deadline, and a data-rate timeout never fires
/// inside its grace period. A client that stops reading while the server's writes wait on it is aborted within
/// the grace period of the first heartbeat that finds them waiting, plus the slack below; one whose request body
/// goes quiet or trickles gets its 408 (or, with the response begun, its abort) within the rate's allowance for
/// the bytes it sent first, plus the same slack (and a trickle's interval). Slow heads are <c>timeouts-on-time</c>'s and liveness's.
/// </summary>
internal sealed class CutOffOnTime : InvariantChecker
{
    // The next heartbeat after the deadline, and the latest a late timer fires (1.5 s), and a little for the network.
    private const long SlackMicros = 1_000_000 + 1_500_000 + 100_000;

    private readonly Dictionary<SimConnection, long> _waitedOnSince = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, long> _requestStarted = [];
    private readonly HashSet<long> _answered408 = [];

    public override string Name => "cut-off-on-time";

    public override void RequestStarted(long connection, string method, string target) => _requestStarted[connection] = Run.Simulation.NowMicros;

    public override void RequestEnded(long connection, bool keepAlive) => _requestStarted.Remove(connection);

    public override void ResponseStarted(long connection, int status)
    {
        if (status != 408)
        {
            return;
        }

        _answered408.Add(connection);

        // With a request started, a 408 is the body rate's (a head's 408 comes before its request starts).
        if (Run.ServerOptions.Limits.MinRequestBodyDataRate is { } rate && _requestStarted.TryGetValue(connection, out var started)
            && Run.Simulation.NowMicros - started <= Micros(rate.GracePeriod))
        {
            Fail($"c{connection}: a 408 for the body's rate {Seconds(Run.Simulation.NowMicros - started)} s into the request, within its {rate.GracePeriod.TotalSeconds} s grace period");
        }
    }

    public override void TimedOut(long connection, ConnectionTimeout timeout)
    {
        if (timeout == ConnectionTimeout.RequestBody && Run.ServerOptions.Limits.MinRequestBodyDataRate is { } rate
            && _requestStarted.TryGetValue(connection, out var started) && Run.Simulation.NowMicros - started <= Micros(rate.GracePeriod))
        {
            Fail($"c{connection}: the body-rate timeout fired {Seconds(Run.Simulation.NowMicros - started)} s into the request, within its {rate.GracePeriod.TotalSeconds} s grace period");
        }
    }

    public override void Callback(UvHandle handle, string callback)
    {
        if (callback != "timer")
        {
            return;
        }

        var now = Run.Simulation.NowMicros;
        var limits = Run.ServerOptions.Limits;
        foreach (var client in Run.Clients)
        {
            // Cut off once the engine aborts, ends the connection or starts its 408: the bytes may be held up on the way.
            if (!client.Disrupted || client.Connection is not { } wire || wire.ServerHandle?.Loop != handle.Loop
                || Run.Connections.Find(wire) is not { Closed: false, Ending: false, AbortedAt: null } served
                || _answered408.Contains(served.Id) || client.Script.Disruption is not { } disruption)
            {
                continue;
            }

            var deadline = disruption.Kind switch
            {
                DisruptionKind.StopReading when limits.MinResponseDataRate is { } rate => StoppedReadingDeadline(wire, rate.GracePeriod, now),
                DisruptionKind.Stall when limits.MinRequestBodyDataRate is { } rate => client.DisruptedAt + BodyAllowance(client, disruption, rate),

                // A trickle is slower than the rate from its start; it is cut off once its waits pass the grace
                // period, up to a piece's interval late, unless the whole body got through first.
                DisruptionKind.Trickle when limits.MinRequestBodyDataRate is { } rate && !client.Exchanges[disruption.Exchange].FullySent =>
                    client.DisruptedAt + BodyAllowance(client, disruption, rate) + 1_000_000,
                _ => null,
            };
            if (deadline + SlackMicros < now)
            {
                Fail($"{client.Name}: {disruption.Kind switch { DisruptionKind.Stall => "its request body went quiet", DisruptionKind.Trickle => "its request body began to trickle", _ => "it stopped reading" }} at {Seconds(client.DisruptedAt!.Value)} s, and at {Seconds(now)} s the server has neither answered 408 nor aborted (due by {Seconds(deadline!.Value)} s)");
            }
        }
    }

    /// <summary>How long the rate allows a body that has sent what it had at the disruption: the grace period, or longer for a fast start.</summary>
    private static long BodyAllowance(SimulatedClient client, Disruption disruption, Engine.Infrastructure.MinDataRate rate) =>
        Math.Max(Micros(rate.GracePeriod), (long)((disruption.InRequest!.Value - client.Exchanges[disruption.Exchange].Request.Head.Length) / rate.BytesPerSecond * 1e6));

    /// <summary>The grace period runs from the first heartbeat that finds the server's writes waiting on the stopped reader.</summary>
    private long? StoppedReadingDeadline(SimConnection wire, TimeSpan grace, long now)
    {
        if (!_waitedOnSince.TryGetValue(wire, out var since))
        {
            if (wire.WritesInFlight.Count == 0)
            {
                return null;
            }

            _waitedOnSince[wire] = since = now;
        }

        return since + Micros(grace);
    }

    private static long Micros(TimeSpan span) => span.Ticks / 10;

    private static string Seconds(long micros) => (micros / 1e6).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
