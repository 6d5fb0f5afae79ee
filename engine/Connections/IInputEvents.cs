namespace Testbed.Engine.Connections;

/// <summary>What <see cref="SocketInput"/> tells its connection, on the loop thread.</summary>
internal interface IInputEvents
{
    /// <summary>The read side ended: <c>UV_EOF</c> for a clean end, another negative status for an error.</summary>
    void OnReadEnded(int status);
}
