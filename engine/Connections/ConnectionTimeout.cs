namespace Testbed.Engine.Connections;

/// <summary>Which deadline a connection is currently under.</summary>
public enum ConnectionTimeout
{
    None,

    /// <summary>Idle between requests; expiry closes the connection quietly.</summary>
    KeepAlive,

    /// <summary>A request head has started arriving; expiry answers 408.</summary>
    RequestHeaders,

    /// <summary>After FIN was sent, waiting for the peer to finish; expiry closes the socket.</summary>
    Linger,

    /// <summary>The app waits for request body bytes; expiry means they came slower than MinRequestBodyDataRate.</summary>
    RequestBody,
}
