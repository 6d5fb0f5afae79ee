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
    public string Current => _hash.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>XxHash64 of <paramref name="bytes"/> alone, as 16 hex digits (a read's hash without its bytes).</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => XxHash64.HashToUInt64(bytes).ToString("x16", CultureInfo.InvariantCulture);
}
