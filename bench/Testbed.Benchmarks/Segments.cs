using System.Buffers;

namespace Testbed.Benchmarks;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe hands them over when bytes arrive in pieces.</summary>
internal static class Segments
{
    /// <summary>The bytes in one segment.</summary>
    public static ReadOnlySequence<byte> Single(byte[] bytes) => new(bytes);

    /// <summary>The bytes split into <paramref name="parts"/> segments of near-equal length, each in its own array.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int parts)
    {
        var size = (bytes.Length + parts - 1) / parts;
        return OfSize(bytes, size);
    }

    /// <summary>The bytes cut every <paramref name="size"/> bytes, like reads into 4 KiB pool blocks.</summary>
    public static ReadOnlySequence<byte> OfSize(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var piece = bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)).ToArray();
            var segment = new Segment(piece, last?.RunningIndex + last?.Memory.Length ?? 0);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.SetNext(segment);
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
