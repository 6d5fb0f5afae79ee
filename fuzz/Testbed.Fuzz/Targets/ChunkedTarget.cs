using System.Buffers;

namespace Testbed.Fuzz.Targets;

/// <summary>
/// Fuzz target for <see cref="Testbed.Engine.Http.Parsing.ChunkedDecoder"/>. The decoder keeps state between
/// calls and reads across segments, so one segment, several segments in one call, and the same segments
/// arriving one call at a time must all decode to the same bytes and end the same way.
/// </summary>
internal static class ChunkedTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = FuzzCase.Read(data);
        var limits = input.Limits;
        int size = input.DestinationSize;
        byte[] bytes = input.Payload;
        int[] end = [bytes.Length];
        var split = Pieces.Split(bytes, input.Cuts);

        var whole = ChunkedOutcome.Of(new ReadOnlySequence<byte>(bytes), end, limits, size);
        var segmented = ChunkedOutcome.Of(split, end, limits, size);
        var streamed = ChunkedOutcome.Of(split, [.. input.Cuts, bytes.Length], limits, size);
        string cuts = $"cut at [{string.Join(",", input.Cuts)}], destination {size}";
        OracleException.Same(whole, segmented, $"one segment vs {cuts}, one call");
        OracleException.Same(whole, streamed, $"one segment vs {cuts}, one call per segment");
    }
}
