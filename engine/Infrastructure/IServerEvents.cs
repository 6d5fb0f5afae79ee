using Testbed.Engine.Connections;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Infrastructure;

/// <summary>How <see cref="Connections.SocketOutput"/> answered one write (or flush).</summary>
public enum WriteOutcome
{
    /// <summary>Completed at once: its bytes fit the budget (the seed's "pre-completed").</summary>
    PreCompleted,

    /// <summary>Queued behind the budget; <see cref="IServerEvents.WriteReleased"/> follows.</summary>
    Waiting,

    /// <summary>A non-immediate write (a head or chunk prefix): buffered, never waits.</summary>
    Buffered,

    /// <summary>The connection had aborted or was disconnecting: the bytes were dropped.</summary>
    Dropped,
}

/// <summary>
/// The engine's own events, for the simulation's trace and its invariant checkers: what the server decided, next
/// to the libuv calls the transport records. Calls come from loop threads and the scheduler, sometimes under the
/// engine's locks: an implementation records and returns. The native host uses <see cref="None"/>.
/// </summary>
public interface IServerEvents
{
    /// <summary>Does nothing: the default outside a simulation.</summary>
    public static IServerEvents None { get; } = new NoServerEvents();

    /// <summary>An accepted socket became connection <paramref name="connection"/>.</summary>
    void ConnectionOpened(long connection, UvStreamHandle socket);

    void ConnectionClosed(long connection);

    void RequestStarted(long connection, string method, string target);

    /// <summary>An interim (1xx) response was queued: <c>100 Continue</c>.</summary>
    void InterimResponseSent(long connection, int status);

    /// <summary>The final response's head was produced: the app's, or the engine's own error answer.</summary>
    void ResponseStarted(long connection, int status);

    void RequestEnded(long connection, bool keepAlive);

    /// <summary>A write reached SocketOutput; <paramref name="end"/> is its end position in the output stream.</summary>
    void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome);

    /// <summary>
    /// A waiting write completed to the app: the socket caught up to within the budget, or (<paramref name="aborted"/>)
    /// the connection aborted and every waiter was let go.
    /// </summary>
    void WriteReleased(long connection, long end, bool aborted);

    /// <summary>A read of <paramref name="bytes"/> entered the input; <paramref name="paused"/> when the input is now full and reading must stop.</summary>
    void InputRead(long connection, int bytes, bool paused);

    /// <summary>The frame consumed the input below its limit: reading resumes.</summary>
    void InputResumed(long connection);

    /// <summary>A connection's deadline passed and the heartbeat acted on it.</summary>
    void TimedOut(long connection, ConnectionTimeout timeout);

    /// <summary>An <c>End(ProduceEndType)</c> transition that happened (each at most once), or an abort.</summary>
    void EndTransition(long connection, string from, string to);

    /// <summary>The connection is being torn down, and why; its EndTransition to Aborted follows.</summary>
    void Aborting(long connection, AbortReason reason);

    /// <summary>An accepted socket was closed at once, unanswered: MaxConcurrentConnections were already open.</summary>
    void ConnectionRefused();

    /// <summary>A loop's listen socket closed because accepts ran out of descriptors (<paramref name="status"/>): every time, not once an episode as the log.</summary>
    void AcceptPaused(int status);

    /// <summary>The paused listen socket is open again.</summary>
    void AcceptResumed();

    private sealed class NoServerEvents : IServerEvents
    {
        public void ConnectionOpened(long connection, UvStreamHandle socket)
        {
        }

        public void ConnectionClosed(long connection)
        {
        }

        public void RequestStarted(long connection, string method, string target)
        {
        }

        public void InterimResponseSent(long connection, int status)
        {
        }

        public void ResponseStarted(long connection, int status)
        {
        }

        public void RequestEnded(long connection, bool keepAlive)
        {
        }

        public void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome)
        {
        }

        public void WriteReleased(long connection, long end, bool aborted)
        {
        }

        public void InputRead(long connection, int bytes, bool paused)
        {
        }

        public void InputResumed(long connection)
        {
        }

        public void TimedOut(long connection, ConnectionTimeout timeout)
        {
        }

        public void EndTransition(long connection, string from, string to)
        {
        }

        public void Aborting(long connection, AbortReason reason)
        {
        }

        public void ConnectionRefused()
        {
        }

        public void AcceptPaused(int status)
        {
        }

        public void AcceptResumed()
        {
        }
    }
}
