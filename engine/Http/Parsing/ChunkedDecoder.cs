using System.Buffers;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// Decodes a chunked request body (RFC 9112 §7.1) incrementally: input may be split at any byte boundary
/// and the decoder carries its state between calls. One instance decodes one body.
/// </summary>
/// <remarks>
/// <para>
/// Consumption contract: <c>consumed</c> is always exactly the bytes the decoder has taken, and it never
/// needs bytes it has already taken; partial framing lines are remembered (the size line as a small state
/// machine, trailer lines in a bounded internal copy), never re-read. Decoding stops early only when the
/// message is complete or <c>destination</c> is full while payload remains. Therefore, when a call returns
/// fewer than <c>destination.Length</c> bytes and <see cref="IsComplete"/> is false, all of
/// <c>input</c> was consumed and more bytes are needed; <c>AdvanceTo(consumed, input.End)</c> is always right.
/// </para>
/// <para>
/// Errors throw <see cref="BadHttpRequestException"/>: 400 for any framing error (empty, non-hex or
/// overflowing size, a size line over <see cref="ChunkSizeLine.MaxLength"/> bytes, a malformed extension,
/// bare CR or LF, data not followed by CRLF, invalid trailer fields); 413 when the declared chunk sizes add
/// up to more than <see cref="ServerLimits.MaxRequestBodySize"/>; 431 for trailers over the header limits.
/// After an exception the instance must not be used again.
/// </para>
/// </remarks>
internal sealed class ChunkedDecoder(ServerLimits limits)
{
    private State _state = State.SizeLine;
    private ChunkSizeLine _sizeLine;
    private long _remaining;
    private long _declaredTotal;
    private TrailerSection? _trailers;

    private enum State
    {
        SizeLine,
        Data,
        DataCr,
        DataLf,
        Trailers,
        Complete,
    }

    /// <summary>True once the last chunk, the trailers and the final CRLF have been consumed.</summary>
    public bool IsComplete => _state == State.Complete;

    /// <summary>The trailer fields, once received; null when the body had none (or is not finished).</summary>
    public HeaderCollection? Trailers => IsComplete ? _trailers?.Fields : null;

    /// <summary>
    /// Copies up to <c>destination.Length</c> payload bytes out of <paramref name="input"/>, consuming the
    /// chunk framing around them. Bytes after the final CRLF are left unconsumed: they belong to the next request.
    /// </summary>
    /// <param name="input">Body bytes not yet consumed by this decoder.</param>
    /// <param name="destination">Where payload goes; an empty destination only consumes framing up to the next payload byte.</param>
    /// <param name="consumed">Just past the last byte taken; see the remarks for the contract.</param>
    /// <returns>The number of payload bytes written to <paramref name="destination"/>.</returns>
    public int Decode(in ReadOnlySequence<byte> input, Span<byte> destination, out SequencePosition consumed)
    {
        int written = 0;
        long taken = 0;
        foreach (var segment in input)
        {
            int used = DecodeSpan(segment.Span, destination, ref written);
            taken += used;
            if (used < segment.Length)
            {
                break;
            }
        }

        consumed = input.GetPosition(taken);
        return written;
    }

    /// <summary>Runs the state machine over one span; returns the bytes of it consumed.</summary>
    private int DecodeSpan(ReadOnlySpan<byte> span, Span<byte> destination, ref int written)
    {
        int pos = 0;
        while (pos < span.Length && _state != State.Complete)
        {
            switch (_state)
            {
                case State.SizeLine:
                    pos += _sizeLine.Feed(span[pos..], out bool sizeLineDone);
                    if (sizeLineDone)
                    {
                        StartChunk();
                    }

                    break;
                case State.Data:
                    int count = (int)Math.Min(Math.Min(_remaining, span.Length - pos), destination.Length - written);
                    if (count == 0)
                    {
                        return pos; // destination full: the caller must come back with room
                    }

                    span.Slice(pos, count).CopyTo(destination[written..]);
                    pos += count;
                    written += count;
                    _remaining -= count;
                    _state = _remaining == 0 ? State.DataCr : State.Data;
                    break;
                case State.DataCr:
                    _state = Expect(span[pos++], HttpCharacters.Cr, State.DataLf);
                    break;
                case State.DataLf:
                    _state = Expect(span[pos++], HttpCharacters.Lf, State.SizeLine);
                    break;
                default:
                    Invariant.Assert(_trailers is not null);
                    pos += _trailers.Feed(span[pos..], out bool trailersDone);
                    _state = trailersDone ? State.Complete : State.Trailers;
                    break;
            }
        }

        return pos;
    }

    private void StartChunk()
    {
        long size = _sizeLine.Size;
        _sizeLine = default;

        // Checked on the declared sizes, so an oversized body is refused before its bytes are read.
        _declaredTotal += size;
        if (_declaredTotal > limits.MaxRequestBodySize || _declaredTotal < 0)
        {
            throw new BadHttpRequestException(413, "Request body too large");
        }

        if (size == 0)
        {
            _trailers = new TrailerSection(limits);
            _state = State.Trailers;
        }
        else
        {
            _remaining = size;
            _state = State.Data;
        }
    }

    private static State Expect(byte actual, byte expected, State next) =>
        actual == expected ? next : throw new BadHttpRequestException(400, "Chunk data not followed by CRLF");
}
