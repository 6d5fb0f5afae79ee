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
/// <remarks>
/// Out of file descriptors (EMFILE, ENFILE), libuv calls back with the error again and again in one loop turn
/// for as long as connections wait, and only closing the listen socket ends that. So the listener closes it and
/// reopens it on the next heartbeat (at most a second on), closing it again each time an accept still fails,
/// until one succeeds; the connections already open carry on meanwhile. The whole episode logs two lines: a
/// warning when it starts and a note when accepting works again. Clients that arrive while the socket is
/// closed are refused by the kernel, the clear answer a full server can give.
/// </remarks>
internal sealed class Listener(LoopThread thread, ConnectionContext context, ConnectionRegistry registry)
{
    // Keyed by id, not a HashSet of objects: object hash codes differ from run to run, and iteration order
    // (which connection is told to stop first) must not.
    private readonly SortedDictionary<long, Connection> _connections = [];
    private UvTcpHandle? _socket;
    private IPEndPoint? _endPoint;
    private int _backlog;
    private PortSharing _sharing;
    private Action? _reopen;
    private long? _pausedAt;
    private bool _stopped;

    public LoopThread Thread => thread;

    /// <summary>Binds and listens; returns the bound endpoint (the real port when 0 was asked for).</summary>
    public IPEndPoint Start(IPEndPoint endPoint, int backlog, PortSharing sharing)
    {
        _socket = Listen(endPoint, backlog, sharing);
        _endPoint = _socket.GetSockName();
        _backlog = backlog;

        // A reopened socket joins whatever group still holds the port; a lone loop's socket binds as before.
        _sharing = sharing == PortSharing.Exclusive ? PortSharing.Exclusive : PortSharing.JoinGroup;
        return _endPoint;
    }

    /// <summary>Stops accepting; connections already accepted carry on.</summary>
    public void StopAccepting()
    {
        _stopped = true;
        StopReopening();
        _socket?.Close();
        _socket = null;
    }

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

    private UvTcpHandle Listen(IPEndPoint endPoint, int backlog, PortSharing sharing)
    {
        var socket = new UvTcpHandle(thread.Loop);
        try
        {
            socket.Bind(endPoint, sharing);
            socket.Listen(backlog, (_, status) => OnConnection(status));
            return socket;
        }
        catch
        {
            socket.Close();
            throw;
        }
    }

    private void OnConnection(int status)
    {
        if (status is UvStatus.EMFILE or UvStatus.ENFILE)
        {
            Pause(status);
            return;
        }

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
            client.Close();
            if (ex.Status is UvStatus.EMFILE or UvStatus.ENFILE)
            {
                Pause(ex.Status); // The transport keeps the last descriptors for the runtime.
            }
            else
            {
                context.Logger.AcceptFailed(thread.Name, ex.ErrorName);
            }

            return;
        }

        if (!registry.TryOpen(context.Limits.MaxConcurrentConnections, out var open))
        {
            // Taken off the backlog and closed unanswered: the limit keeps descriptors for the connections served.
            context.Logger.ConnectionOverLimit(thread.Name, open, context.Limits.MaxConcurrentConnections!.Value);
            context.Events.ConnectionRefused();
            client.Close();
            return;
        }

        if (_pausedAt is { } pausedAt)
        {
            _pausedAt = null;
            context.Logger.AcceptResumed(thread.Name, (long)context.Time.GetElapsedTime(pausedAt).TotalMilliseconds);
            context.Events.AcceptResumed();
        }

        var connection = new Connection(registry.NextId(), thread, client, context, OnClosed);
        _connections.Add(connection.Id, connection);
        connection.Start();
    }

    /// <summary>Out of descriptors: close the listen socket (ending libuv's loop of failed accepts) and retry it later.</summary>
    private void Pause(int status)
    {
        Invariant.Assert(_socket is not null && _reopen is null, "only a listening socket runs out of descriptors");
        if (_pausedAt is null)
        {
            context.Logger.AcceptPaused(thread.Name, thread.Loop.Uv.ErrName(status));
            _pausedAt = context.Time.GetTimestamp();
        }

        context.Events.AcceptPaused(status); // Each time, where the log says it once an episode.
        _socket.Close();
        _socket = null;
        _reopen = Reopen;
        thread.OnHeartbeat(_reopen);
    }

    private void Reopen()
    {
        Invariant.Assert(_socket is null && !_stopped, "a paused listener reopens until it is stopped");
        try
        {
            _socket = Listen(_endPoint!, _backlog, _sharing);
        }
        catch (UvException ex) when (ex.Status is UvStatus.EMFILE or UvStatus.ENFILE)
        {
            return; // Still out of descriptors: the next heartbeat tries again, without another log line.
        }
        catch (UvException ex)
        {
            context.Logger.ListenFailed(thread.Name, ex.ErrorName);
            return;
        }

        // Listening again; the episode ends with the first accept that succeeds.
        StopReopening();
    }

    private void StopReopening()
    {
        if (_reopen is not null)
        {
            thread.RemoveHeartbeat(_reopen);
            _reopen = null;
        }
    }

    private void OnClosed(Connection connection)
    {
        _connections.Remove(connection.Id);
        registry.Closed();
    }
}
