using Microsoft.Extensions.Logging;
using Testbed.Simulator.Apps;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>quiet-log</c>: nothing the peer does makes the engine log a warning or an error. Resets, broken pipes, bad
/// requests and timeouts are the network's weather and log at Debug; an error is logged only for a fault of the
/// server's own side that the run planted: an app that throws or breaks its Content-Length, an accept that fails,
/// or accepts paused because the world ran out of descriptors (an accept fault of EMFILE or ENFILE, or the
/// descriptor limit reached). On a connection no scripted client drives (a replayed recording), an app's own
/// faults are not the engine's and pass; everything else is judged the same.
/// </summary>
internal sealed class QuietLog : InvariantChecker
{
    // EngineLog's ids for an app's own fault, for a failed accept, and for accepts paused out of descriptors.
    private const int ApplicationError = 22;
    private const int DeclaredLengthNotWritten = 23;
    private const int TooFewBytesWritten = 24;
    private const int ListenFailed = 4;
    private const int AcceptingPaused = 6;

    private readonly Dictionary<long, AppCall> _lastCall = [];
    private int _acceptFailures;
    private bool _descriptorsRanOut;

    public override string Name => "quiet-log";

    public override void AppCallStarted(AppCall call) => _lastCall[call.Context.ConnectionId] = call;

    public override void FaultInjected(WorldFault fault, Transports.Mock.Network.SimConnection? connection)
    {
        if (fault == WorldFault.AcceptFailed)
        {
            _acceptFailures++;
            _descriptorsRanOut = true;
        }
    }

    public override void Logged(LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        if (level < LogLevel.Warning)
        {
            return;
        }

        if (eventId.Id == ListenFailed && _acceptFailures > 0)
        {
            _acceptFailures--;
            return;
        }

        // Logged once an episode, however many accepts failed; a failed accept or the descriptor limit comes first.
        if (eventId.Id == AcceptingPaused && (_descriptorsRanOut || Run.Simulation.Network.OutOfSockets))
        {
            return;
        }

        if (eventId.Id is ApplicationError or DeclaredLengthNotWritten or TooFewBytesWritten
            && fields.FirstOrDefault(f => f.Key == "Id").Value is long connection
            && ((_lastCall.TryGetValue(connection, out var call) && PlannedFault(call) != AppFault.None) || Unscripted(connection)))
        {
            return;
        }

        Fail($"{level} logged, and nothing planted explains it: {message}{(exception is null ? string.Empty : $" [{exception.GetType().Name}: {exception.Message}]")}");
    }

    /// <summary>
    /// A connection no scripted client drives (a recording's replay): its app is not the simulator's, and nothing
    /// says which of its faults were meant, so an app's own fault logged there is the app's business.
    /// </summary>
    private bool Unscripted(long connection) =>
        Run.Connections.Find(connection) is { } served && !Run.Clients.Any(c => ReferenceEquals(c.Connection, served.Wire));

    private AppFault PlannedFault(AppCall call) =>
        Run.FindExchange(call.RequestId) is { } exchange ? exchange.Request.App.Answer(exchange.Request).Fault : AppFault.None;
}
