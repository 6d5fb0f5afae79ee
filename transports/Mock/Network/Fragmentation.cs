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

    /// <summary>The lengths of the pieces, in order; they sum to <paramref name="length"/>.</summary>
    internal abstract List<int> Split(ChoiceStream stream, int length);

    private sealed class Fixed(int size) : Fragmentation
    {
        internal override List<int> Split(ChoiceStream stream, int length)
        {
            List<int> pieces = [];
            for (var offset = 0; offset < length; offset += size)
            {
                pieces.Add(Math.Min(size, length - offset));
            }

            return pieces;
        }
    }

    private sealed class Cuts(int[] offsets) : Fragmentation
    {
        internal override List<int> Split(ChoiceStream stream, int length)
        {
            List<int> pieces = [];
            var start = 0;
            foreach (var cut in offsets.Where(c => c > 0 && c < length).Order())
            {
                if (cut > start)
                {
                    pieces.Add(cut - start);
                    start = cut;
                }
            }

            pieces.Add(length - start);
            return pieces;
        }
    }

    private sealed class Seeded(int maxPieces) : Fragmentation
    {
        internal override List<int> Split(ChoiceStream stream, int length)
        {
            var count = length <= 1 ? 1 : 1 + (int)stream.Choose("fragment.count", Math.Min(maxPieces, length));
            var cuts = new int[count - 1];
            for (var i = 0; i < cuts.Length; i++)
            {
                cuts[i] = 1 + (int)stream.Choose("fragment.cut", length - 1);
            }

            return new Cuts(cuts).Split(stream, length);
        }
    }
}
