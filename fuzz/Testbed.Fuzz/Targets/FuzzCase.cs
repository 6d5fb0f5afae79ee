using Testbed.Engine.Infrastructure;

namespace Testbed.Fuzz.Targets;

/// <summary>
/// One fuzz input read as a control byte and a payload. The control byte picks the limits and the
/// destination size; the cuts come from a hash of the whole input, so any mutation moves them and the
/// split paths get exercised across the whole run, yet each input always replays the same way.
/// </summary>
internal sealed class FuzzCase
{
    private FuzzCase(byte control, byte[] payload, int[] cuts)
    {
        Control = control;
        Payload = payload;
        Cuts = cuts;
    }

    public byte Control { get; }

    public byte[] Payload { get; }

    /// <summary>One or two ascending offsets strictly inside the payload (so no segment is empty); none when it is shorter than 2.</summary>
    public int[] Cuts { get; }

    public ServerLimits Limits => FuzzLimits.For(Control);

    /// <summary>Room the chunked target decodes into per call; small sizes stop decoding mid-chunk.</summary>
    public int DestinationSize => ((Control >> 2) & 3) switch
    {
        0 => 4096,
        1 => 1,
        2 => 3,
        _ => 16,
    };

    public static FuzzCase Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return new FuzzCase(0, [], []);
        }

        byte control = data[0];
        byte[] payload = data[1..].ToArray();
        return new FuzzCase(control, payload, CutsFor(control, payload, Hash(data)));
    }

    private static int[] CutsFor(byte control, byte[] payload, uint hash)
    {
        int n = payload.Length;
        if (n < 2)
        {
            return [];
        }

        int first = 1 + (int)(hash % (uint)(n - 1));
        int second = 1 + (int)((hash >> 16) % (uint)(n - 1));
        bool threeSegments = (control & 0x10) != 0 && first != second;
        return threeSegments ? [Math.Min(first, second), Math.Max(first, second)] : [first];
    }

    /// <summary>FNV-1a: cheap, and stable across runs (string.GetHashCode is randomised per process).</summary>
    private static uint Hash(ReadOnlySpan<byte> data)
    {
        uint hash = 2166136261;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
