namespace Testbed.Transports.Mock.Network;

/// <summary>A listening socket: connections wait in its backlog until the engine accepts them.</summary>
internal sealed class MockListener(TcpState handle, int port)
{
    public TcpState Handle { get; } = handle;

    public int Port { get; } = port;

    public Queue<SimConnection> Backlog { get; } = new();
}
