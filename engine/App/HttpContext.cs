namespace Testbed.Engine.App;

/// <summary>One request and its response, as the application sees them.</summary>
public sealed class HttpContext
{
    internal HttpContext(HttpRequest request, HttpResponse response, long connectionId, CancellationToken requestAborted)
    {
        Request = request;
        Response = response;
        ConnectionId = connectionId;
        RequestAborted = requestAborted;
    }

    public HttpRequest Request { get; }

    public HttpResponse Response { get; }

    /// <summary>The server-assigned id of the connection, in order of acceptance.</summary>
    public long ConnectionId { get; }

    /// <summary>Fires when the connection is torn down (client reset, write failure); writes after it are dropped.</summary>
    public CancellationToken RequestAborted { get; }
}
