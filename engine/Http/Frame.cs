using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Testbed.Engine.App;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http;

/// <summary>
/// Serves the requests of one connection in order: read a head, run the app, finish the response, and
/// either keep the connection for the next (pipelined) request or end it. Runs on the scheduler.
/// </summary>
/// <remarks>
/// The request head, the body reader and the <see cref="HttpContext"/> with its request, response and streams
/// are made once per connection and reset between requests, as libuv-era Kestrel's Frame did: an app must not
/// keep them past its request. The per-request async methods use pooled state machines.
/// </remarks>
internal sealed class Frame
{
    private static readonly byte[] ContinueBytes = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly Connection _connection;
    private readonly ConnectionContext _context;
    private readonly RequestHeadReader _heads;
    private readonly ResponseProducer _response;
    private readonly RequestHead _head = new();
    private readonly RequestBodyReader _body;
    private readonly HttpContext _httpContext;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Func<bool> _isStopping;
    private readonly Func<Task> _sendContinue;
    private readonly Func<ConnectionTimeout> _takeTimedOut;
    private volatile bool _stopping;
    private volatile bool _connectionAborted;
    private bool _abortRequested;
    private bool _continueSent;
    private RequestHead? _current;

    public Frame(Connection connection, ConnectionContext context)
    {
        _connection = connection;
        _context = context;
        _heads = new RequestHeadReader(connection, context);
        _response = new ResponseProducer(connection, context);
        // Made once per connection, not once per request.
        _isStopping = () => _stopping;
        _sendContinue = SendContinueAsync;
        _takeTimedOut = connection.TakeTimedOut;
        _body = new RequestBodyReader(connection.Input.Reader, context.Limits, _sendContinue, _takeTimedOut);
        _httpContext = new HttpContext(
            new HttpRequest(_head, new RequestBodyStream(_body, context.AllowSynchronousIO)),
            new HttpResponse(_response, context.AllowSynchronousIO),
            connection.Id,
            _aborted.Token);
    }

    /// <summary>Serves requests until the connection ends; never throws.</summary>
    public Task ProcessRequestsAsync() => ServeAsync();

    /// <summary>Graceful stop: idle connections close now, busy ones after the current response.</summary>
    public void RequestStop()
    {
        _stopping = true;
        _response.RequestStop();
        if (_heads.IsIdle)
        {
            _connection.Input.Reader.CancelPendingRead();
        }
    }

    /// <summary>
    /// The connection was torn down. Called on the loop thread before the input fails and the output drops
    /// writes, so an app exception from then on is the abort's doing, not an app bug.
    /// </summary>
    public void OnAborted() => _connectionAborted = true;

    /// <summary>
    /// Fires RequestAborted. Runs on the scheduler, where the app's callbacks on it belong; a callback that
    /// throws is the app's bug and is logged, never allowed to escape into the scheduler.
    /// </summary>
    public void CancelRequest()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (AggregateException ex)
        {
            _context.Logger.ApplicationError(ex, _connection.Id);
        }
    }

    private async Task ServeAsync()
    {
        try
        {
            await ServeAndEndAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing may escape: the task is nobody's to observe. A bug here still closes the connection.
            _context.Logger.FrameError(ex, _connection.Id);
            Abort(AbortReason.FrameFailed);
        }
        finally
        {
            // The frame reads no more: with the writer completed at close too, the pipe returns its blocks to the pool.
            _connection.Input.Reader.Complete();
        }
    }

    private async Task ServeAndEndAsync()
    {
        var lingering = true;
        try
        {
            while (await _heads.ReadAsync(_head, _isStopping).ConfigureAwait(false))
            {
                if (!await ServeRequestAsync(_head).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            await RejectAsync(ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            lingering = false;
        }

        // An abort closes the connection itself; a graceful end on top of it would only race it.
        if (!_abortRequested)
        {
            await EndConnectionAsync(lingering).ConfigureAwait(false);
        }
    }

    /// <summary>The response cannot be finished: tear the connection down instead of ending it gracefully.</summary>
    private void Abort(AbortReason reason)
    {
        _abortRequested = true;
        _connection.Abort(reason);
    }

    /// <summary>Runs one request; true when the connection may carry another.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ServeRequestAsync(RequestHead head)
    {
        _current = head;
        _continueSent = false;
        _response.Reset(head);
        _context.Events.RequestStarted(_connection.Id, head.Method, head.Target);

        var hasBody = head.IsChunked || head.ContentLength > 0;
        var timer = hasBody && _context.Limits.MinRequestBodyDataRate is { } rate ? new RequestBodyTimer(_connection, rate, _context.Time) : null;
        var body = _body;
        body.Reset(head, timer);
        if (await RunApplicationAsync(_httpContext).ConfigureAwait(false) is { } failed)
        {
            _context.Events.RequestEnded(_connection.Id, keepAlive: false);
            Abort(failed);
            return false;
        }

        if (!await CompleteResponseAsync(head, body).ConfigureAwait(false))
        {
            _context.Events.RequestEnded(_connection.Id, keepAlive: false);
            Abort(AbortReason.ResponseIncomplete);
            return false;
        }

        var keepAlive = await FinishRequestAsync(head, body).ConfigureAwait(false);
        _context.Events.RequestEnded(_connection.Id, keepAlive);

        // This request is over: a bad request after it gets its own answer, not this one's started response.
        _current = null;
        return keepAlive;
    }

    /// <summary>Runs the app; null when a response can be finished, else why the connection must abort.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AbortReason?> RunApplicationAsync(HttpContext context)
    {
        try
        {
            await _context.Application(context).ConfigureAwait(false);
            if (_response.DeclaredButUnwritten)
            {
                _context.Logger.DeclaredLengthNotWritten(_connection.Id);
                _response.ResetToError(500, keepAlive: true);
            }

            return null;
        }
        catch (BadHttpRequestException ex)
        {
            // A malformed body is the client's fault even when the app let it escape: Debug, not Error.
            _context.Logger.BadRequest(_connection.Id, ex.StatusCode, ex.Message);
            if (_response.HasStarted)
            {
                return AbortReasonFor(ex);
            }

            _response.ResetToError(ex.StatusCode, keepAlive: false);
            return null;
        }
        catch (Exception ex) when (_connectionAborted)
        {
            _context.Logger.AppStoppedAfterAbort(ex, _connection.Id);
            return AbortReason.ResponseIncomplete;
        }
        catch (Exception ex)
        {
            _context.Logger.ApplicationError(ex, _connection.Id);
            if (_response.HasStarted)
            {
                return AbortReason.ResponseIncomplete;
            }

            _response.ResetToError(500, keepAlive: true);
            return null;
        }
    }

    /// <summary>A request found bad once its response had started: a 408 there can only be a body that came too slowly.</summary>
    private static AbortReason AbortReasonFor(BadHttpRequestException ex) =>
        ex.StatusCode == 408 ? AbortReason.RequestBodyTooSlow : AbortReason.BadRequestAfterResponseStarted;

    /// <summary>Finishes the response after the app returned; false when it is broken and the connection must abort.</summary>
    private ValueTask<bool> CompleteResponseAsync(RequestHead head, RequestBodyReader body)
    {
        if (_connectionAborted)
        {
            // The peer is gone and the output dropped: a short body now is the abort's doing, not an app bug.
            return ValueTask.FromResult(false);
        }

        if (AwaitsContinue(head, body))
        {
            // A client still waiting for 100 Continue would never send the body we'd drain, so the connection
            // closes; a head not yet sent says so (RFC 9110 §10.1.1).
            _response.DisableKeepAlive();
        }

        return _response.CompleteAsync();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FinishRequestAsync(RequestHead head, RequestBodyReader body)
    {
        if (!_response.KeepAlive || _stopping)
        {
            return false;
        }

        if (!body.IsComplete)
        {
            await body.DrainAsync().ConfigureAwait(false);
        }

        _connection.End(ProduceEndType.ConnectionKeepAlive);
        return true;
    }

    /// <summary>The request body is unread and its client is still waiting for 100 Continue before sending it.</summary>
    private bool AwaitsContinue(RequestHead head, RequestBodyReader body) =>
        head.ExpectContinue && !_continueSent && !body.IsComplete;

    private Task SendContinueAsync()
    {
        if (_current is { ExpectContinue: true } && !_continueSent && !_response.HasStarted)
        {
            _continueSent = true;
            _context.Events.InterimResponseSent(_connection.Id, 100);
            return _connection.Output.WriteAsync(ContinueBytes, immediate: true);
        }

        return Task.CompletedTask;
    }

    private async Task RejectAsync(BadHttpRequestException ex)
    {
        _context.Logger.BadRequest(_connection.Id, ex.StatusCode, ex.Message);
        if (_current is not null && _response.HasStarted)
        {
            Abort(AbortReasonFor(ex));
            return;
        }

        _context.Events.ResponseStarted(_connection.Id, ex.StatusCode);
        var headers = new HeaderCollection();
        headers["Content-Length"] = "0";
        headers["Connection"] = "close";
        var head = ResponseHeadWriter.Prepare(HttpVersion.Http11, ex.StatusCode, null, headers, _context);
        await ResponseHeadWriter.SendAsync(_connection.Output, head, immediate: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the connection gracefully: FIN after the output, then read and discard until the peer closes
    /// (bounded by the linger timeout, which starts once the FIN is sent) so unread request bytes cannot turn
    /// the close into a reset that destroys the response in flight.
    /// </summary>
    private async Task EndConnectionAsync(bool linger)
    {
        if (linger)
        {
            _connection.End(ProduceEndType.SocketShutdownSend);
            await DiscardInputAsync().ConfigureAwait(false);
        }

        _connection.End(ProduceEndType.SocketDisconnect);
    }

    private async Task DiscardInputAsync()
    {
        var input = _connection.Input.Reader;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (IOException)
        {
            // Reset while lingering: the peer is gone, which is what we were waiting for.
        }
    }
}
