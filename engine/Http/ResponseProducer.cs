using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Connections;

namespace Testbed.Engine.Http;

/// <summary>
/// Produces one response at a time onto the connection's <see cref="SocketOutput"/>: it decides the framing
/// when the response starts (RFC 9112 §6.3), chunks automatically when the length is unknown, suppresses
/// bodies that must not exist, and enforces a declared Content-Length.
/// </summary>
internal sealed class ResponseProducer(Connection connection, ConnectionContext context)
{
    private static readonly byte[] ChunkTerminator = "0\r\n\r\n"u8.ToArray();
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private readonly List<Func<Task>> _onStarting = [];
    private RequestHead? _request;
    private ResponseFraming _framing;
    private long _written;
    private int _statusCode = 200;
    private volatile bool _stopping;

    public int StatusCode
    {
        get => _statusCode;
        set
        {
            ThrowIfStarted();
            _statusCode = value is >= 200 and <= 999 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Status codes are 200 to 999");
        }
    }

    public string? ReasonPhrase { get; set; }

    public HeaderCollection Headers { get; } = new();

    public bool HasStarted { get; private set; }

    /// <summary>Whether the connection may serve another request after this response.</summary>
    public bool KeepAlive => _framing.KeepAlive;

    /// <summary>Prepares for the next request on the connection.</summary>
    public void Reset(RequestHead request)
    {
        _request = request;
        _statusCode = 200;
        ReasonPhrase = null;
        Headers.Clear();
        _onStarting.Clear();
        HasStarted = false;
        _written = 0;
        _framing = default;
        _framing.KeepAlive = request.KeepAlive;
    }

    /// <summary>Forbids keep-alive after this response (a body that will never arrive); the head says Connection: close if not yet sent.</summary>
    public void DisableKeepAlive() => _framing.KeepAlive = false;

    /// <summary>Graceful stop: a response not yet started says Connection: close. Safe from any thread.</summary>
    public void RequestStop() => _stopping = true;

    public void OnStarting(Func<Task> callback)
    {
        ThrowIfStarted();
        _onStarting.Add(callback);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await StartAsync(appCompleted: false).ConfigureAwait(false);
        if (!_framing.BodyAllowed)
        {
            ThrowIfBodyForbidden(data.Length);
            return;
        }

        if (_framing.DeclaredLength is { } declared && _written + data.Length > declared)
        {
            throw new InvalidOperationException(
                $"Response Content-Length mismatch: too many bytes written ({_written + data.Length} of {declared}).");
        }

        _written += data.Length;
        if (data.IsEmpty)
        {
            return;
        }

        await WriteBodyAsync(data.Span).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await StartAsync(appCompleted: false).ConfigureAwait(false);
        await connection.Output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes the response after the app returned: sends the head if needed, the chunked terminator,
    /// and flushes. Returns false when the response is broken (too few bytes) and the connection must abort.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> CompleteAsync()
    {
        await StartAsync(appCompleted: true).ConfigureAwait(false);
        if (_framing.BodyAllowed && _framing.DeclaredLength is { } declared && _written < declared)
        {
            context.Logger.TooFewBytesWritten(connection.Id, _written, declared);
            return false;
        }

        var flushed = _framing.AutoChunk && _framing.BodyAllowed ? connection.Output.WriteAsync(ChunkTerminator, immediate: true) : connection.Output.FlushAsync();
        await flushed.ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Replaces an unstarted response with an error status and an empty body (an app exception gives 500,
    /// a declared length never written gives 500, a bad request body gives its 4xx).
    /// </summary>
    public void ResetToError(int statusCode, bool keepAlive)
    {
        Invariant(!HasStarted);
        _statusCode = statusCode;
        ReasonPhrase = null;
        Headers.Clear();
        _onStarting.Clear();
        _written = 0;
        if (!keepAlive)
        {
            _framing.KeepAlive = false;
        }
    }

    /// <summary>A declared length that the app set but never wrote to, before anything was sent.</summary>
    public bool DeclaredButUnwritten =>
        !HasStarted && _written == 0 && !_request!.IsHead && _statusCode is not (204 or 205 or 304)
        && long.TryParse(Headers["Content-Length"], out var length) && length > 0;

    private async Task StartAsync(bool appCompleted)
    {
        if (HasStarted)
        {
            return;
        }

        for (var i = _onStarting.Count - 1; i >= 0; i--)
        {
            await _onStarting[i]().ConfigureAwait(false);
        }

        HasStarted = true;
        var request = _request!;
        _framing = ResponseFraming.Decide(request, _statusCode, Headers, _framing.KeepAlive && !_stopping, appCompleted);
        context.Events.ResponseStarted(connection.Id, _statusCode);
        var head = ResponseHeadWriter.Prepare(request.Version, _statusCode, ReasonPhrase, Headers, context);
        await ResponseHeadWriter.SendAsync(connection.Output, head, immediate: appCompleted).ConfigureAwait(false);
    }

    private Task WriteBodyAsync(ReadOnlySpan<byte> data)
    {
        if (!_framing.AutoChunk)
        {
            return connection.Output.WriteAsync(data, immediate: true);
        }

        Span<byte> prefix = stackalloc byte[18];
        var n = ChunkPrefix.Format(data.Length, prefix);
        return connection.Output.WriteChunkAsync(prefix[..n], data, CrLf);
    }

    private void ThrowIfBodyForbidden(int length)
    {
        // HEAD: the body is computed but not sent. 204/205/304: writing a body is an app error.
        if (length > 0 && !_request!.IsHead)
        {
            throw new InvalidOperationException($"Writing to the response body is invalid for responses with status code {_statusCode}.");
        }
    }

    private void ThrowIfStarted()
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }
    }

    private static void Invariant(bool condition) => Infrastructure.Invariant.Assert(condition);
}
