using System.Buffers;
using System.IO.Pipelines;
using Testbed.Engine.Connections;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http;

/// <summary>
/// Reads one request's body from the connection's input, by Content-Length or chunked, and enforces
/// MaxRequestBodySize and, through its timer, MinRequestBodyDataRate. The first read that would have to wait
/// sends <c>100 Continue</c> when due.
/// </summary>
internal sealed class RequestBodyReader
{
    private readonly PipeReader _input;
    private readonly ServerLimits _limits;
    private readonly Func<Task> _sendContinue;
    private readonly Func<ConnectionTimeout> _takeTimedOut;
    private ChunkedDecoder? _chunked;
    private RequestBodyTimer? _timer;
    private long _remaining;
    private long _read;

    /// <summary>One per connection; <see cref="Reset"/> readies it for each request's body.</summary>
    public RequestBodyReader(PipeReader input, ServerLimits limits, Func<Task> sendContinue, Func<ConnectionTimeout> takeTimedOut)
    {
        _input = input;
        _limits = limits;
        _sendContinue = sendContinue;
        _takeTimedOut = takeTimedOut;
    }

    /// <summary>Starts on the body of <paramref name="head"/>, held to its rate by <paramref name="timer"/> when given.</summary>
    public void Reset(RequestHead head, RequestBodyTimer? timer)
    {
        _timer = timer;
        _chunked = head.IsChunked ? new ChunkedDecoder(_limits) : null;
        _remaining = head.ContentLength ?? 0;
        _read = 0;
        ReadStarted = false;
        Invariant.Assert(_remaining >= 0);
        Invariant.Assert(!head.IsChunked || head.ContentLength is null, "never both");
    }

    /// <summary>All of the body has been read.</summary>
    public bool IsComplete => _chunked?.IsComplete ?? _remaining == 0;

    /// <summary>Whether any body byte has been asked for (then 100 Continue has been dealt with).</summary>
    public bool ReadStarted { get; private set; }

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (IsComplete || destination.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            // Each pass either returns or has consumed input and awaits more from the socket.
            var result = await ReadInputAsync(cancellationToken).ConfigureAwait(false);
            var n = _chunked is null ? CopyContentLength(result, destination.Span) : CopyChunked(result, destination.Span);
            if (n > 0 || IsComplete)
            {
                CountAgainstLimit(n);
                return n;
            }
        }
    }

    /// <summary>Reads and discards the rest of the body so the next pipelined request can be parsed.</summary>
    public async Task DrainAsync()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(SlabMemoryPool.BlockSize);
        try
        {
            while (await ReadAsync(scratch, CancellationToken.None).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async ValueTask<ReadResult> ReadInputAsync(CancellationToken cancellationToken)
    {
        if (_input.TryRead(out var ready))
        {
            ReadStarted = true;
            return ready;
        }

        if (!ReadStarted)
        {
            ReadStarted = true;
            await _sendContinue().ConfigureAwait(false);
        }

        // Cancelled with nothing new: the heartbeat found the body too slow, or it is a cancel meant for another
        // phase, which the caller's loop reads past like any empty read.
        var result = await WaitForInputAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled && result.Buffer.IsEmpty && _takeTimedOut() == ConnectionTimeout.RequestBody && _timer is { TooSlow: true })
        {
            _input.AdvanceTo(result.Buffer.Start);
            throw new BadHttpRequestException(408, "Request body arrived too slowly.");
        }

        return result;
    }

    private async ValueTask<ReadResult> WaitForInputAsync(CancellationToken cancellationToken)
    {
        _timer?.WaitStarting();
        try
        {
            return await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _timer?.WaitEnded();
        }
    }

    private int CopyContentLength(ReadResult result, Span<byte> destination)
    {
        var buffer = result.Buffer;
        var n = (int)Math.Min(Math.Min(buffer.Length, destination.Length), _remaining);
        buffer.Slice(0, n).CopyTo(destination);
        _input.AdvanceTo(buffer.GetPosition(n));
        _remaining -= n;
        _timer?.Received(n);
        if (n == 0 && result.IsCompleted)
        {
            throw new BadHttpRequestException(400, "Unexpected end of request content.");
        }

        return n;
    }

    private int CopyChunked(ReadResult result, Span<byte> destination)
    {
        var buffer = result.Buffer;
        int n;
        SequencePosition consumed;
        try
        {
            n = _chunked!.Decode(buffer, destination, out consumed);
        }
        catch
        {
            // A malformed chunk: the read must still end, or the reader is stuck mid-read for the drain or linger after.
            _input.AdvanceTo(buffer.End);
            throw;
        }

        _timer?.Received(buffer.Slice(buffer.Start, consumed).Length);
        if (n > 0 || _chunked.IsComplete)
        {
            _input.AdvanceTo(consumed);
            return n;
        }

        _input.AdvanceTo(consumed, buffer.End);
        if (result.IsCompleted)
        {
            throw new BadHttpRequestException(400, "Unexpected end of chunked request content.");
        }

        return 0;
    }

    private void CountAgainstLimit(int n)
    {
        _read += n;
        if (_read > _limits.MaxRequestBodySize)
        {
            throw new BadHttpRequestException(413, "Request body too large.");
        }
    }
}
