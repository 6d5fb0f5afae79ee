using System.Net;
using Microsoft.Extensions.Logging;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Hosting;

/// <summary>
/// One loop's listen socket and the connections it accepted. Each loop listens on the same endpoint
/// (SO_REUSEPORT), so accepted sockets never change threads. Touched only on its loop's thread.
/// </summary>
internal sealed class Listener(LoopThread thread, ConnectionContext context, ConnectionRegistry registry)
{
    // Keyed by id, not a HashSet of objects: object hash codes differ from run to run, and iteration order
    // (which connection is told to stop first) must not.
    private readonly SortedDictionary<long, Connection> _connections = [];
    private UvTcpHandle? _socket;

    public LoopThread Thread => thread;

    /// <summary>Binds and listens; returns the bound endpoint (the real port when 0 was asked for).</summary>
    public IPEndPoint Start(IPEndPoint endPoint, int backlog, PortSharing sharing)
    {
        _socket = new UvTcpHandle(thread.Loop);
        try
        {
            _socket.Bind(endPoint, sharing);
            _socket.Listen(backlog, (_, status) => OnConnection(status));
            return _socket.GetSockName();
        }
        catch
        {
            _socket.Close();
            throw;
        }
    }

    /// <summary>Stops accepting; connections already accepted carry on.</summary>
    public void StopAccepting() => _socket?.Close();

    /// <summary>Asks every connection to finish its current request and close.</summary>
    public void RequestStop()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Frame.RequestStop();
        }
    }

    public void AbortAll()
    {
        foreach (var connection in _connections.Values.ToArray())
        {
            connection.Abort(AbortReason.ServerStopping);
        }
    }

    private void OnConnection(int status)
    {
        if (status < 0)
        {
            context.Logger.ListenFailed(thread.Name, thread.Loop.Uv.ErrName(status));
            return;
        }

        var client = new UvTcpHandle(thread.Loop);
        try
        {
            _socket!.Accept(client);
        }
        catch (UvException ex)
        {
            context.Logger.AcceptFailed(thread.Name, ex.ErrorName);
            client.Close();
            return;
        }

        var connection = new Connection(registry.NextId(), thread, client, context, OnClosed);
        _connections.Add(connection.Id, connection);
        registry.Opened();
        connection.Start();
    }

    private void OnClosed(Connection connection)
    {
        _connections.Remove(connection.Id);
        registry.Closed();
    }
}
