using Microsoft.Extensions.Logging;

namespace Testbed.Engine.Infrastructure;

/// <summary>
/// Every message the engine logs, source-generated so a disabled level costs no allocation on the hot path.
/// Peer-caused failures (reset, broken pipe, bad requests) log at Debug; only server faults reach Error.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on http://{EndPoint} with {Threads} loop threads")]
    public static partial void Listening(this ILogger logger, System.Net.IPEndPoint endPoint, int threads);

    [LoggerMessage(2, LogLevel.Information, "Aborting {Count} connections still open after {Timeout}")]
    public static partial void AbortingAfterShutdownTimeout(this ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(3, LogLevel.Information, "Server stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(4, LogLevel.Warning, "Accept failed on {Loop}: {Error}")]
    public static partial void ListenFailed(this ILogger logger, string loop, string error);

    [LoggerMessage(6, LogLevel.Warning, "Accepting paused on {Loop}: {Error} (out of file descriptors); the listen socket reopens once descriptors free up")]
    public static partial void AcceptPaused(this ILogger logger, string loop, string error);

    [LoggerMessage(7, LogLevel.Information, "Accepting again on {Loop} after {Milliseconds} ms paused")]
    public static partial void AcceptResumed(this ILogger logger, string loop, long milliseconds);

    [LoggerMessage(8, LogLevel.Debug, "Connection refused on {Loop}: {Open} connections open, MaxConcurrentConnections is {Limit}")]
    public static partial void ConnectionOverLimit(this ILogger logger, string loop, long open, long limit);

    [LoggerMessage(5, LogLevel.Debug, "Accept of a connection failed on {Loop}: {Error}")]
    public static partial void AcceptFailed(this ILogger logger, string loop, string error);

    [LoggerMessage(10, LogLevel.Trace, "Connection {Id} kept alive")]
    public static partial void ConnectionKeepAlive(this ILogger logger, long id);

    [LoggerMessage(11, LogLevel.Trace, "Connection {Id} sending FIN")]
    public static partial void ConnectionWriteFin(this ILogger logger, long id);

    [LoggerMessage(12, LogLevel.Trace, "Connection {Id} disconnecting")]
    public static partial void ConnectionDisconnect(this ILogger logger, long id);

    [LoggerMessage(13, LogLevel.Debug, "Connection {Id} {Operation} failed: {Error}")]
    public static partial void ConnectionIoFailed(this ILogger logger, long id, string operation, string error);

    [LoggerMessage(14, LogLevel.Debug, "Connection {Id} aborted: {Reason}")]
    public static partial void ConnectionAborted(this ILogger logger, long id, string reason);

    [LoggerMessage(15, LogLevel.Debug, "Connection {Id}: the peer took the response more slowly than {Rate} bytes/s")]
    public static partial void ResponseTooSlow(this ILogger logger, long id, double rate);

    [LoggerMessage(20, LogLevel.Debug, "Connection {Id}: bad request ({Status}): {Reason}")]
    public static partial void BadRequest(this ILogger logger, long id, int status, string reason);

    [LoggerMessage(21, LogLevel.Debug, "Connection {Id}: the app stopped after the connection aborted")]
    public static partial void AppStoppedAfterAbort(this ILogger logger, Exception exception, long id);

    [LoggerMessage(22, LogLevel.Error, "Connection {Id}: unhandled application exception")]
    public static partial void ApplicationError(this ILogger logger, Exception exception, long id);

    [LoggerMessage(23, LogLevel.Error, "Connection {Id}: the app declared a Content-Length and wrote nothing")]
    public static partial void DeclaredLengthNotWritten(this ILogger logger, long id);

    [LoggerMessage(24, LogLevel.Error, "Connection {Id}: response Content-Length mismatch: too few bytes written ({Written} of {Declared})")]
    public static partial void TooFewBytesWritten(this ILogger logger, long id, long written, long declared);

    [LoggerMessage(25, LogLevel.Error, "Connection {Id}: unexpected error in the frame")]
    public static partial void FrameError(this ILogger logger, Exception exception, long id);

    [LoggerMessage(30, LogLevel.Error, "Loop {Loop} did not close cleanly")]
    public static partial void LoopCloseFailed(this ILogger logger, Exception exception, string loop);

    [LoggerMessage(31, LogLevel.Error, "Unhandled exception in work posted to loop {Loop}")]
    public static partial void PostedWorkFailed(this ILogger logger, Exception exception, string loop);
}
