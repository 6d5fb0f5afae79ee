using System.Runtime.InteropServices;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Transports.Mock.Network;

/// <summary>How a client's bytes are cut into the reads the server sees: each piece arrives as one read.</summary>
public abstract class Fragmentation
{
    /// <summary>All bytes in one read.</summary>
    public static Fragmentation Whole { get; } = new Fixed(int.MaxValue);

    /// <summary>One read per byte: the hardest case for a parser.</summary>
    public static Fragmentation EveryByte { get; } = new Fixed(1);

    /// <summary>Reads of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static Fragmentation Chunks(int size) => new Fixed(size);

    /// <summary>Cuts at the given offsets: <c>At(3, 10)</c> gives reads [0,3), [3,10), [10,end).</summary>
    public static Fragmentation At(params int[] offsets) => new Cuts(offsets);

    /// <summary>Up to <paramref name="maxPieces"/> pieces at offsets drawn from the connection's network stream.</summary>
    public static Fragmentation Random(int maxPieces) => new Seeded(maxPieces);

    /// <summary>Adds the lengths of the pieces to <paramref name="pieces"/> (emptied first), in order; they sum to <paramref name="length"/>.</summary>
    internal abstract void Split(ChoiceStream stream, int length, List<int> pieces);

    /// <summary>
    /// Turns the sorted cut offsets in <paramref name="pieces"/> into the lengths between them, in place (each
    /// piece is written at or before its cut's index). Duplicates and cuts outside (0, length) are dropped.
    /// </summary>
    private static void CutsToPieces(List<int> pieces, int length)
    {
        var cuts = CollectionsMarshal.AsSpan(pieces);
        cuts.Sort();
        var (start, written) = (0, 0);
        foreach (var cut in cuts)
        {
            if (cut > start && cut < length)
            {
                cuts[written++] = cut - start;
                start = cut;
            }
        }

        CollectionsMarshal.SetCount(pieces, written);
        pieces.Add(length - start);
    }

    private sealed class Fixed(int size) : Fragmentation
    {
        internal override void Split(ChoiceStream stream, int length, List<int> pieces)
        {
            pieces.Clear();
            for (var offset = 0; offset < length; offset += size)
            {
                pieces.Add(Math.Min(size, length - offset));
            }
        }
    }

    private sealed class Cuts(int[] offsets) : Fragmentation
    {
        internal override void Split(ChoiceStream stream, int length, List<int> pieces)
        {
            pieces.Clear();
            pieces.AddRange(offsets);
            CutsToPieces(pieces, length);
        }
    }

    private sealed class Seeded(int maxPieces) : Fragmentation
    {
        internal override void Split(ChoiceStream stream, int length, List<int> pieces)
        {
            pieces.Clear();
            var count = length <= 1 ? 1 : 1 + (int)stream.Choose("fragment.count", Math.Min(maxPieces, length));
            for (var i = 0; i < count - 1; i++)
            {
                pieces.Add(1 + (int)stream.Choose("fragment.cut", length - 1));
            }

            CutsToPieces(pieces, length);
        }
    }
}
