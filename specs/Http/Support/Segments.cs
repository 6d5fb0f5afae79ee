using System.Buffers;

namespace Testbed.Specs.Http.Support;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, the shape a PipeReader hands out.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var part in parts)
        {
            last = new Segment(part, last);
            first ??= last;
        }

        return first is null || last is null
            ? ReadOnlySequence<byte>.Empty
            : new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="bytes"/> at the given offsets (ascending) into one segment per piece.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params int[] offsets)
    {
        var parts = new List<byte[]>();
        int start = 0;
        foreach (int offset in offsets.Append(bytes.Length))
        {
            parts.Add(bytes[start..offset]);
            start = offset;
        }

        return Of([.. parts]);
    }

    /// <summary>One segment per byte: the worst case for a parser that assumes contiguous memory.</summary>
    public static ReadOnlySequence<byte> ByteByByte(byte[] bytes) => Of([.. bytes.Select(b => new[] { b })]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
