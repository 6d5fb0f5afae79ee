using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Testbed.Engine.Connections;
using Testbed.Engine.Http.Parsing;

namespace Testbed.Engine.Http;

/// <summary>
/// Waits for the next request head on a connection, under the keep-alive timeout while idle and the
/// request-headers timeout once its first byte has arrived.
/// </summary>
internal sealed class RequestHeadReader(Connection connection, ConnectionContext context)
{
    private volatile bool _idle;

    /// <summary>True while waiting for a request with no byte of it received.</summary>
    public bool IsIdle => _idle;

    /// <summary>
    /// Fills <paramref name="head"/> with the next request's; false when the connection should close quietly (peer
    /// closed, idle timeout, stop). Its state machine is pooled: a connection waits here once per request.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadAsync(RequestHead head, Func<bool> stopping)
    {
        var input = connection.Input.Reader;
        var limits = context.Limits;
        connection.SetTimeout(ConnectionTimeout.KeepAlive, limits.KeepAliveTimeout);
        var timeout = ConnectionTimeout.KeepAlive;
        while (true)
        {
            _idle = timeout == ConnectionTimeout.KeepAlive;
            if (_idle && stopping())
            {
                return false;
            }

            var result = await input.ReadAsync().ConfigureAwait(false);
            _idle = false;
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                if (OnCanceled(connection.TakeTimedOut(), timeout, buffer.IsEmpty, stopping()))
                {
                    return false;
                }

                continue;
            }

            if (!buffer.IsEmpty && timeout == ConnectionTimeout.KeepAlive)
            {
                timeout = ConnectionTimeout.RequestHeaders;
                connection.SetTimeout(timeout, limits.RequestHeadersTimeout);
            }

            if (TryParse(input, buffer, result.IsCompleted, head))
            {
                connection.SetTimeout(ConnectionTimeout.None, TimeSpan.Zero);
                return true;
            }

            if (result.IsCompleted)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// True to close quietly; throws 408 when a started head timed out. A timeout counts only for the phase the
    /// reader is in: the idle timeout is moot once a byte has arrived, even if it expired as that byte did.
    /// </summary>
    private static bool OnCanceled(ConnectionTimeout timedOut, ConnectionTimeout phase, bool nothingReceived, bool stopping)
    {
        if (timedOut == ConnectionTimeout.RequestHeaders && phase == ConnectionTimeout.RequestHeaders)
        {
            throw new BadHttpRequestException(408, "Request headers timed out.");
        }

        return (timedOut == ConnectionTimeout.KeepAlive && phase == ConnectionTimeout.KeepAlive && nothingReceived) || (stopping && nothingReceived);
    }

    private bool TryParse(PipeReader input, System.Buffers.ReadOnlySequence<byte> buffer, bool inputEnded, RequestHead head)
    {
        bool parsed;
        SequencePosition consumed;
        try
        {
            parsed = RequestHeadParser.TryParse(buffer, context.Limits, head, out consumed);
        }
        catch
        {
            input.AdvanceTo(buffer.End);
            throw;
        }

        if (parsed)
        {
            input.AdvanceTo(consumed);
            return true;
        }

        input.AdvanceTo(buffer.Start, buffer.End);
        if (inputEnded && !buffer.IsEmpty)
        {
            // The client sent part of a head and then ended its side: answer rather than vanish.
            throw new BadHttpRequestException(400, "Incomplete request head.");
        }

        return false;
    }
}
