using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Fuzz.Targets;

/// <summary>How a whole run of <see cref="ChunkedDecoder"/> over some input ended, in a form that compares by value.</summary>
internal sealed record ChunkedOutcome(string Kind, int Status = 0, long Consumed = 0, string Payload = "", string? Trailers = null)
{
    public const string Complete = "complete";
    public const string Incomplete = "incomplete";
    public const string Rejected = "rejected";

    /// <summary>
    /// Decodes <paramref name="input"/> as if its bytes arrived up to each offset of <paramref name="arrivals"/>
    /// in turn (the last is the input's length), calling the decoder the way the request body reader does and
    /// checking the consumption contract on every call. A <see cref="BadHttpRequestException"/> is an outcome.
    /// </summary>
    public static ChunkedOutcome Of(in ReadOnlySequence<byte> input, int[] arrivals, ServerLimits limits, int destinationSize)
    {
        var decoder = new ChunkedDecoder(limits);
        var payload = new ArrayBufferWriter<byte>();
        var destination = new byte[destinationSize];
        long taken = 0;
        try
        {
            foreach (int arrived in arrivals)
            {
                taken += DecodeAvailable(decoder, input.Slice(taken, arrived - taken), destination, payload);
                if (decoder.IsComplete)
                {
                    break;
                }
            }
        }
        catch (BadHttpRequestException e)
        {
            return new ChunkedOutcome(Rejected, Status: e.StatusCode);
        }

        OracleException.Check(payload.WrittenCount <= taken, $"{payload.WrittenCount} payload bytes out of {taken} consumed");
        string bytes = Convert.ToHexString(payload.WrittenSpan);
        if (!decoder.IsComplete)
        {
            OracleException.Same(input.Length, taken, "an unfinished body consumes all its input");
            OracleException.Check(decoder.Trailers is null, "trailers before the body is complete");
            return new ChunkedOutcome(Incomplete, Consumed: taken, Payload: bytes);
        }

        OracleException.Check(input.Slice(0, taken).ToArray().AsSpan().EndsWith("\r\n"u8), "a complete chunked body ends with CRLF");
        string? trailers = decoder.Trailers is { } fields ? string.Join("\n", fields.Select(f => $"{f.Key}: {f.Value}")) : null;
        return new ChunkedOutcome(Complete, Consumed: taken, Payload: bytes, Trailers: trailers);
    }

    /// <summary>Decodes what is buffered until the decoder needs more bytes or is done; returns the bytes consumed.</summary>
    private static long DecodeAvailable(ChunkedDecoder decoder, ReadOnlySequence<byte> buffered, byte[] destination, ArrayBufferWriter<byte> payload)
    {
        long taken = 0;
        while (true)
        {
            int written = decoder.Decode(buffered, destination, out var consumed);
            long used = buffered.Slice(0, consumed).Length;
            OracleException.Check(written >= 0 && written <= destination.Length, $"wrote {written} into {destination.Length}");
            OracleException.Check(written <= used, $"wrote {written} payload bytes out of {used} consumed");
            payload.Write(destination.AsSpan(0, written));
            taken += used;
            buffered = buffered.Slice(consumed);
            if (decoder.IsComplete)
            {
                return taken;
            }

            if (written < destination.Length)
            {
                // The contract: a short write before the end means everything buffered was taken.
                OracleException.Same(0L, buffered.Length, "bytes left unconsumed after a short write");
                return taken;
            }
        }
    }
}
