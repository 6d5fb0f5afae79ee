using System.Buffers;

namespace Testbed.Fuzz.Targets;

/// <summary>Multi-segment sequences, the shape the engine's pipe hands over when bytes span pool blocks.</summary>
internal static class Pieces
{
    /// <summary>The bytes cut at <paramref name="cuts"/> (ascending), each piece copied into its own array.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int[] cuts)
    {
        Segment? first = null;
        Segment? last = null;
        int start = 0;
        foreach (int end in cuts.Append(bytes.Length))
        {
            last = new Segment(bytes[start..end], last);
            first ??= last;
            start = end;
        }

        return first is null || last is null
            ? ReadOnlySequence<byte>.Empty
            : new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, Segment? previous)
        {
            Memory = bytes;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
