namespace Testbed.Engine.Connections;

/// <summary>How a response ends the connection's current use.</summary>
internal enum ProduceEndType
{
    /// <summary>The connection stays open for the next request.</summary>
    ConnectionKeepAlive,

    /// <summary>Send FIN after the queued output; the peer may still send.</summary>
    SocketShutdownSend,

    /// <summary>Close the socket after the queued output.</summary>
    SocketDisconnect,
}
