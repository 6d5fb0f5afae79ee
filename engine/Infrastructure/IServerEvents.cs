namespace Testbed.Engine.Infrastructure;

/// <summary>How <see cref="Connections.SocketOutput.WriteAsync"/> answered one write.</summary>
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
/// The engine's own events, for the simulation's trace: what the server decided, next to the libuv calls the
/// transport records. Calls come from loop threads and the scheduler; the native host uses <see cref="None"/>.
/// </summary>
public interface IServerEvents
{
    /// <summary>Does nothing: the default outside a simulation.</summary>
    public static IServerEvents None { get; } = new NoServerEvents();

    void ConnectionOpened(long connection);

    void ConnectionClosed(long connection);

    void RequestStarted(long connection, string method, string target);

    void ResponseStarted(long connection, int status);

    void RequestEnded(long connection, bool keepAlive);

    /// <summary>A write reached SocketOutput; <paramref name="end"/> is its end position in the output stream.</summary>
    void WriteAccepted(long connection, int bytes, long end, WriteOutcome outcome);

    /// <summary>A waiting write completed to the app: the socket caught up to within the budget.</summary>
    void WriteReleased(long connection, long end);

    /// <summary>An <c>End(ProduceEndType)</c> transition that happened (each at most once).</summary>
    void EndTransition(long connection, string from, string to);

    private sealed class NoServerEvents : IServerEvents
    {
        public void ConnectionOpened(long connection)
        {
        }

        public void ConnectionClosed(long connection)
        {
        }

        public void RequestStarted(long connection, string method, string target)
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

        public void WriteReleased(long connection, long end)
        {
        }

        public void EndTransition(long connection, string from, string to)
        {
        }
    }
}
