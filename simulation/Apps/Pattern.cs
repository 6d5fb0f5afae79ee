namespace Testbed.Simulator.Apps;

/// <summary>
/// The bytes apps write: a function of the offset in the body, so a client can check any stretch without a copy.
/// It runs through every byte value, CR and LF included, so a framing bug cannot hide in friendly text.
/// </summary>
internal static class Pattern
{
    public static byte At(long offset) => (byte)((offset * 31) + 17 + (offset >> 8));

    public static void Fill(Span<byte> destination, long offset)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = At(offset + i);
        }
    }

    public static byte[] Bytes(long offset, int count)
    {
        var bytes = new byte[count];
        Fill(bytes, offset);
        return bytes;
    }
}
