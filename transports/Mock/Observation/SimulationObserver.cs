using Microsoft.Extensions.Logging;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Transports.Mock.Observation;

/// <summary>
/// Sees everything that happens in a simulation as typed events, at the moment it happens: what the engine
/// decided (its <see cref="IServerEvents"/>), what its libuv calls did in the mock, what the simulated network
/// and its clients did, and what the engine logged. Invariant checkers and coverage counters subscribe with
/// <see cref="Simulation.Observe"/>; none of them reads the trace. Every method does nothing unless overridden.
/// </summary>
/// <remarks>
/// Engine events arrive from inside engine code (under its locks, in the middle of an app's write), so an
/// observer must never call back into the engine or throw: a broken rule is reported with
/// <see cref="Simulation.Fail"/>, which ends the run once the current event is over.
/// </remarks>
public abstract class SimulationObserver : IServerEvents
{
    // The engine's decisions (IServerEvents).
    public virtual void ConnectionOpened(long connection, UvStreamHandle socket)
    {
    }

    public virtual void ConnectionClosed(long connection)
    {
    }

    public virtual void RequestStarted(long connection, string method, string target)
    {
    }

    public virtual void InterimResponseSent(long connection, int status)
    {
    }

    public virtual void ResponseStarted(long connection, int status)
    {
    }

    public virtual void RequestEnded(long connection, bool keepAlive)
    {
    }

    public virtual void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
    {
    }

    public virtual void WriteReleased(long connection, long end, bool aborted)
    {
    }

    public virtual void InputRead(long connection, int bytes, bool paused)
    {
    }

    public virtual void InputResumed(long connection)
    {
    }

    public virtual void TimedOut(long connection, ConnectionTimeout timeout)
    {
    }

    public virtual void EndTransition(long connection, string from, string to)
    {
    }

    public virtual void Aborting(long connection, AbortReason reason)
    {
    }

    /// <summary>A client stopped receiving for good.</summary>
    public virtual void ClientStoppedReceiving(SimConnection connection)
    {
    }

    /// <summary>The engine closed an accepted connection unanswered: MaxConcurrentConnections were open.</summary>
    public virtual void ConnectionRefused()
    {
    }

    /// <summary>A listen socket closed after accepts ran out of descriptors.</summary>
    public virtual void AcceptPaused(int status)
    {
    }

    public virtual void AcceptResumed()
    {
    }

    // The mock's libuv: what the engine's calls did and which callbacks it got.

    /// <summary>The engine accepted a client's connection.</summary>
    public virtual void Accepted(SimConnection connection)
    {
    }

    public virtual void ReadStarted(SimConnection connection)
    {
    }

    public virtual void ReadStopped(SimConnection connection)
    {
    }

    /// <summary>A read callback with <paramref name="bytes"/> bytes (0: an empty read), taken from <paramref name="segments"/> sends.</summary>
    public virtual void ReadDelivered(SimConnection connection, int bytes, int segments)
    {
    }

    /// <summary>The read callback that ends the stream: EOF or an error.</summary>
    public virtual void ReadEnded(SimConnection connection, int status)
    {
    }

    /// <summary>
    /// The server submitted a uv_write. Use <paramref name="write"/> during the call only: on a connection that
    /// neither records nor holds its writes, the record is reused for a later write once this one is done.
    /// </summary>
    public virtual void WriteSubmitted(MockWrite write)
    {
    }

    /// <summary>A write is about to complete with <paramref name="status"/>; its buffers are still libuv's (and the record is valid during the call only).</summary>
    public virtual void WriteCompleting(MockWrite write, int status)
    {
    }

    /// <summary>uv_shutdown was called; <paramref name="status"/> is non-zero when libuv refused it.</summary>
    public virtual void ShutdownCalled(SimConnection connection, int status)
    {
    }

    public virtual void ShutdownCompleted(SimConnection connection, int status)
    {
    }

    /// <summary>A libuv callback into the engine on <paramref name="handle"/> (<c>read</c>, <c>write</c>, <c>timer</c> ...).</summary>
    public virtual void Callback(UvHandle handle, string callback)
    {
    }

    public virtual void HandleClosing(UvHandle handle)
    {
    }

    /// <summary>The handle's close callback ran: libuv will never mention it again.</summary>
    public virtual void HandleClosed(UvHandle handle)
    {
    }

    /// <summary>A loop was closed with <paramref name="handlesLeft"/> handles still open (libuv refuses it with EBUSY unless 0).</summary>
    public virtual void LoopClosed(UvLoopHandle loop, int handlesLeft)
    {
    }

    /// <summary>The engine used libuv in a way real libuv refuses or does not survive.</summary>
    public virtual void Misuse(LibuvMisuse kind, string call, string detail)
    {
    }

    // The simulated network and its clients.

    public virtual void ClientConnected(SimConnection connection)
    {
    }

    /// <summary>The kernel refused a client: nobody was listening, or the listen socket closed with it in the backlog.</summary>
    public virtual void ClientRefused(SimConnection connection)
    {
    }

    public virtual void ClientSent(SimConnection connection, int bytes)
    {
    }

    public virtual void ClientHalfClosed(SimConnection connection)
    {
    }

    public virtual void ClientReset(SimConnection connection)
    {
    }

    /// <summary>The client's side learned the connection is over: a FIN or a reset from the server, or the network broke it.</summary>
    public virtual void ClientSawEnd(SimConnection connection)
    {
    }

    public virtual void FaultInjected(WorldFault fault, SimConnection? connection)
    {
    }

    /// <summary>The engine logged; <paramref name="fields"/> are the message's structured values (its <c>Id</c>, ...).</summary>
    public virtual void Logged(LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
    }
}
