using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Runs;

/// <summary>Records which <see cref="Coverage"/> rows one run reached.</summary>
internal sealed class CoverageRecorder : RunObserver
{
    private readonly HashSet<string> _reached = [];
    private int _requestsInFlight;

    /// <summary>The rows reached, in <see cref="Coverage.All"/>'s order.</summary>
    public IReadOnlyList<string> Reached => [.. Coverage.All.Select(row => row.Name).Where(_reached.Contains)];

    public override void FaultInjected(WorldFault fault, SimConnection? connection) => Reach(fault switch
    {
        WorldFault.WriteDelayed => "write-delayed",
        WorldFault.WriteHeld => "write-held",
        WorldFault.WriteFailed => "write-failed",
        WorldFault.SendFragmented => "send-fragmented",
        WorldFault.ReadsCoalesced => "reads-coalesced",
        WorldFault.ZeroRead => "zero-read",
        WorldFault.AcceptFailed => "accept-failed",
        WorldFault.SchedulerJitter => "scheduler-jitter",
        WorldFault.TimerLate => "timer-late",
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    });

    public override void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
    {
        if (outcome == WriteOutcome.Waiting)
        {
            Reach("backpressure");
        }
    }

    public override void WriteReleased(long connection, long end, bool aborted)
    {
        if (!aborted)
        {
            Reach("waiter-released");
        }
    }

    public override void WriteCompleting(MockWrite write, int status)
    {
        if (status < 0 && status != Engine.Networking.UvStatus.ECANCELED)
        {
            Reach("write-error");
        }
    }

    public override void EndTransition(long connection, string from, string to)
    {
        if (to == "Aborted")
        {
            Reach("abort");
        }
    }

    public override void Aborting(long connection, AbortReason reason)
    {
        if (reason == AbortReason.ResponseTooSlow)
        {
            Reach("response-too-slow");
        }
    }

    public override void AcceptPaused(int status) => ReachIf(Run.Simulation.Network.OutOfSockets, "fd-limit");

    public override void AcceptResumed() => Reach("accept-paused");

    public override void ConnectionRefused() => Reach("over-connection-limit");

    public override void InterimResponseSent(long connection, int status) => Reach("continue-sent");

    public override void InputRead(long connection, int bytes, bool paused)
    {
        if (paused)
        {
            Reach("input-paused");
        }
    }

    public override void RequestStarted(long connection, string method, string target) => _requestsInFlight++;

    public override void RequestEnded(long connection, bool keepAlive) => _requestsInFlight--;

    public override void ResponseStarted(long connection, int status)
    {
        if (status == 408)
        {
            Reach("408");
        }
    }

    public override void TimedOut(long connection, ConnectionTimeout timeout)
    {
        if (timeout == ConnectionTimeout.KeepAlive)
        {
            Reach("keepalive-timeout");
        }

        ReachIf(timeout == ConnectionTimeout.RequestBody, "body-too-slow");
    }

    public override void StopBegan()
    {
        if (_requestsInFlight > 0)
        {
            Reach("stop-mid-flight");
        }
    }

    public override void RunEnded()
    {
        var limits = Run.ServerOptions.Limits;
        ReachIf(Run.ServerOptions.ThreadCount > 1, "loops");
        ReachIf(limits.MaxResponseBufferSize is 0 or 1, "tiny-budget");
        ReachIf(limits.MaxRequestBufferSize < 64 * 1024, "tiny-request-buffer");
        foreach (var client in Run.Clients)
        {
            var sent = client.Exchanges.Where(e => e.SentAt is not null).ToList();
            ReachIf(sent.Zip(sent.Skip(1)).Any(pair => pair.First.SentAt == pair.Second.SentAt), "pipelined");
            ReachIf(sent.Any(e => e.Request.ExpectContinue), "expect-continue");
            ReachIf(sent.Any(e => e.Request.Http10), "http10");
            ReachIf(sent.Any(e => e.Request.ChunkSizes is not null), "chunked-request");
            ReachIf(sent.Any(e => e.Request.Malformation is not null), "malformed");
            ReachIf(sent.Any(e => e.Step.IdleBefore > 0 || e.Step.IdleInHeadAt is not null), "idle");
            ReachIf(sent.Any(e => e.Request.App.Answer(e.Request).Fault != AppFault.None), "app-fault");
            ReachIf(sent.Any(e => e.Request.App is SlowApp or WatchApp), "slow-app");
            ReachIf(client.Disrupted && client.Script.Disruption!.Kind == DisruptionKind.Reset, "client-reset");
            ReachIf(client.Disrupted && client.Script.Disruption is { Kind: DisruptionKind.Eof, InRequest: not null }, "client-eof");
            ReachIf(client.Disrupted && client.Script.Disruption!.Kind == DisruptionKind.Stall, "stall");
            ReachIf(client.Disrupted && client.Script.Disruption!.Kind == DisruptionKind.Trickle, "trickle");
            ReachIf(client.Disrupted && client.Script.Disruption!.Kind == DisruptionKind.StopReading, "stop-reading");
            ReachIf(client.Script.Ending == ClientEnding.HalfCloseEarly && sent.Count == client.Exchanges.Count && client.Exchanges.Count > 0, "half-close");
        }
    }

    private void Reach(string row) => _reached.Add(row);

    private void ReachIf(bool condition, string row)
    {
        if (condition)
        {
            _reached.Add(row);
        }
    }
}
