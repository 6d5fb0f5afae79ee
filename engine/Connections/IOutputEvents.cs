namespace Testbed.Engine.Connections;

/// <summary>What <see cref="SocketOutput"/> tells its connection, always on the loop thread.</summary>
internal interface IOutputEvents
{
    /// <summary>A write failed with a libuv status; the connection must abort.</summary>
    void OnWriteFailed(int status);

    /// <summary>All output before a shutdown request is flushed: send FIN now.</summary>
    void OnShutdownSend();

    /// <summary>All output before a disconnect request is flushed: close the socket now.</summary>
    void OnDisconnect();
}
