using System.Globalization;

namespace Testbed.Simulator.Clients;

/// <summary>What <see cref="ResponseParser.Advance"/> found.</summary>
internal enum ParseStep
{
    /// <summary>Nothing more can be parsed until more bytes arrive.</summary>
    NeedMore,

    /// <summary>A 1xx head.</summary>
    Interim,

    /// <summary>A final response's head; its body (if any) follows in <see cref="Body"/> steps.</summary>
    Head,

    /// <summary>Body bytes, decoded (<see cref="ResponseParser.Body"/> for the length).</summary>
    Body,

    /// <summary>Framing bytes (a chunk's size line or CRLF) were consumed; parse on.</summary>
    Progress,

    /// <summary>The final response is complete.</summary>
    Complete,

    /// <summary>The bytes are not a response this server may send.</summary>
    Malformed,
}

/// <summary>
/// A client's strict, incremental HTTP/1.1 response parser: heads, then bodies by Content-Length, chunked or
/// until close, consuming each byte once so a long response is never parsed twice. It reports decoded body
/// bytes where they lie, for the client to compare without keeping them.
/// </summary>
internal sealed class ResponseParser
{
    private const int MaxHead = 64 * 1024;

    private enum State
    {
        Head,
        Length,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        LastChunkEnd,
        UntilClose,

        /// <summary>The last body byte was taken: the next step reports the response complete.</summary>
        Finished,
    }

    private State _state = State.Head;
    private long _remaining;

    /// <summary>The head of the response being parsed (after <see cref="ParseStep.Interim"/> or <see cref="ParseStep.Head"/>).</summary>
    public ParsedResponse? Current { get; private set; }

    /// <summary>Where the last <see cref="ParseStep.Body"/> step's bytes lie in the span given, and how many.</summary>
    public (int Offset, int Length) Body { get; private set; }

    /// <summary>Why the bytes are malformed.</summary>
    public string Problem { get; private set; } = string.Empty;

    /// <summary>Inside a body that only the server's close can end.</summary>
    public bool AwaitsClose => _state == State.UntilClose;


    /// <summary>Parses one step from the start of <paramref name="data"/>; <paramref name="consumed"/> bytes are done with.</summary>
    public ParseStep Advance(ReadOnlySpan<byte> data, bool headRequest, out int consumed)
    {
        consumed = 0;
        switch (_state)
        {
            case State.Head:
                return ParseHead(data, headRequest, out consumed);
            case State.Length:
            case State.ChunkData:
            case State.UntilClose:
                return TakeBody(data, out consumed);
            case State.ChunkSize:
                return ParseChunkSize(data, out consumed);
            case State.ChunkEnd:
            case State.LastChunkEnd:
                return ParseChunkEnd(data, out consumed);
            case State.Finished:
                _state = State.Head;
                return ParseStep.Complete;
            default:
                throw new InvalidOperationException("unknown parser state");
        }
    }

    /// <summary>The server closed inside a body that ends with the close: the response is complete.</summary>
    public void EndAtClose()
    {
        _state = State.Head;
    }

    private ParseStep ParseHead(ReadOnlySpan<byte> data, bool headRequest, out int consumed)
    {
        consumed = 0;
        var end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return data.Length > MaxHead ? Malformed("a response head longer than 64 KiB") : ParseStep.NeedMore;
        }

        try
        {
            Current = ResponseReader.ParseHead(data[..end]);
        }
        catch (InvalidOperationException ex)
        {
            return Malformed(ex.Message);
        }

        consumed = end + 4;
        var status = Current.Status;
        if (status < 200)
        {
            return ParseStep.Interim;
        }

        if (headRequest || status is 204 or 304)
        {
            return ParseStep.Complete;
        }

        var transferEncoding = Current.Header("Transfer-Encoding");
        var contentLength = Current.Header("Content-Length");
        if (transferEncoding is not null)
        {
            if (contentLength is not null || transferEncoding != "chunked")
            {
                return Malformed($"bad framing: Transfer-Encoding '{transferEncoding}', Content-Length '{contentLength}'");
            }

            _state = State.ChunkSize;
            return ParseStep.Head;
        }

        if (contentLength is not null)
        {
            if (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out _remaining))
            {
                return Malformed($"bad Content-Length '{contentLength}'");
            }

            _state = _remaining == 0 ? State.Head : State.Length;
            return _remaining == 0 ? ParseStep.Complete : ParseStep.Head;
        }

        _state = State.UntilClose;
        return ParseStep.Head;
    }

    private ParseStep TakeBody(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        if (data.IsEmpty)
        {
            return ParseStep.NeedMore;
        }

        var n = _state == State.UntilClose ? data.Length : (int)Math.Min(data.Length, _remaining);
        Body = (0, n);
        consumed = n;
        if (_state == State.UntilClose)
        {
            return ParseStep.Body;
        }

        _remaining -= n;
        if (_remaining > 0)
        {
            return ParseStep.Body;
        }

        // The body of a sized response ends with its last byte; a chunk's data is followed by CRLF.
        _state = _state == State.Length ? State.Finished : State.ChunkEnd;
        return ParseStep.Body;
    }

    private ParseStep ParseChunkSize(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        var lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return data.Length > 32 ? Malformed("a chunk size line longer than 32 bytes") : ParseStep.NeedMore;
        }

        // This server sends bare lowercase hexadecimal sizes: no extensions, no leading zeros but the last chunk's.
        var line = data[..lineEnd];
        if (line.IsEmpty || line.Length > 16 || !long.TryParse(line, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size)
            || (line.Length > 1 && line[0] == (byte)'0'))
        {
            return Malformed($"bad chunk size line '{System.Text.Encoding.Latin1.GetString(line)}'");
        }

        consumed = lineEnd + 2;
        _remaining = size;
        _state = size == 0 ? State.LastChunkEnd : State.ChunkData;
        return ParseStep.Progress;
    }

    private ParseStep ParseChunkEnd(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        if (data.Length < 2)
        {
            return ParseStep.NeedMore;
        }

        if (data[0] != (byte)'\r' || data[1] != (byte)'\n')
        {
            return Malformed(_state == State.LastChunkEnd ? "the last chunk is not followed by CRLF (this server sends no trailers)" : "chunk data not followed by CRLF");
        }

        consumed = 2;
        var last = _state == State.LastChunkEnd;
        _state = last ? State.Head : State.ChunkSize;
        return last ? ParseStep.Complete : ParseStep.Progress;
    }

    private ParseStep Malformed(string problem)
    {
        Problem = problem;
        return ParseStep.Malformed;
    }
}
