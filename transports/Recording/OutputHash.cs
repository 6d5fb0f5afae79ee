using System.Globalization;
using System.IO.Hashing;

namespace Testbed.Transports.Recording;

/// <summary>
/// The running hash of what one connection was written (<see cref="RecordedEvent.Hash"/> of a write): XxHash64 over
/// every byte so far. The recorder and a replay each keep one per connection, so outputs compare write by write
/// without keeping their bytes.
/// </summary>
public sealed class OutputHash
{
    private readonly XxHash64 _hash = new();

    /// <summary>Bytes appended so far.</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _hash.Append(bytes);
        Length += bytes.Length;
    }

    /// <summary>The hash of everything appended so far, as 16 hex digits.</summary>
    public string Current => Format(_hash.GetCurrentHashAsUInt64());

    /// <summary>XxHash64 of <paramref name="bytes"/> alone, as 16 hex digits (a read's hash without its bytes).</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Format(XxHash64.HashToUInt64(bytes));

    /// <summary>An XxHash64 value as a recording writes it: 16 lower-case hex digits.</summary>
    internal static string Format(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);
}
