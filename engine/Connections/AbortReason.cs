namespace Testbed.Engine.Connections;

/// <summary>Why a connection was torn down instead of ended gracefully.</summary>
public enum AbortReason
{
    /// <summary>A read failed: the peer reset the connection.</summary>
    ReadFailed,

    /// <summary>A write failed: the peer is gone.</summary>
    WriteFailed,

    /// <summary>The response could not be finished: the app failed after it started, or wrote too few bytes.</summary>
    ResponseIncomplete,

    /// <summary>A request turned out malformed (its body) after its response had started.</summary>
    BadRequestAfterResponseStarted,

    /// <summary>A graceful stop ran out of ShutdownTimeout with the connection still busy.</summary>
    ServerStopping,

    /// <summary>The frame failed in a way it did not expect (a bug, logged as an error).</summary>
    FrameFailed,

    /// <summary>The request body arrived more slowly than MinRequestBodyDataRate after the response had started.</summary>
    RequestBodyTooSlow,

    /// <summary>The peer took the response more slowly than MinResponseDataRate (or stopped reading).</summary>
    ResponseTooSlow,
}
