using System.Buffers;
using System.Text;

namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// Byte classes from RFC 9110 §5.6 and RFC 3986, as vectorised <see cref="SearchValues{T}"/> so that
/// validating a line is one <c>IndexOfAny*</c> call rather than a per-byte loop.
/// </summary>
internal static class HttpCharacters
{
    public const byte Cr = (byte)'\r';
    public const byte Lf = (byte)'\n';
    public const byte Sp = (byte)' ';
    public const byte Htab = (byte)'\t';

    private const string Alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>tchar (RFC 9110 §5.6.2): the bytes of method names, field names and coding names.</summary>
    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Alnum + "!#$%&'*+-.^_`|~"));

    /// <summary>
    /// Bytes that may not appear in a field value: CTLs other than HTAB, and DEL (RFC 9110 §5.5).
    /// CR, LF and NUL are among them, which is what stops header injection and request smuggling.
    /// </summary>
    private static readonly SearchValues<byte> InvalidFieldValueBytes = SearchValues.Create(BuildInvalidFieldValueBytes());

    /// <summary>reg-name bytes of RFC 3986 §3.2.2 (unreserved, sub-delims, '%').</summary>
    private static readonly SearchValues<byte> RegNameBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Alnum + "-._~!$&'()*+,;=%"));

    /// <summary>Bytes inside an IP-literal "[...]": IPv6 and IPvFuture (unreserved, sub-delims, ':').</summary>
    private static readonly SearchValues<byte> IpLiteralBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Alnum + "-._~!$&'()*+,;=:"));

    private static readonly SearchValues<byte> HexBytes = SearchValues.Create("0123456789abcdefABCDEF"u8);

    public static bool IsTokenByte(byte b) => TokenBytes.Contains(b);

    public static bool IsToken(ReadOnlySpan<byte> span) => !span.IsEmpty && !span.ContainsAnyExcept(TokenBytes);

    public static bool IsWhitespace(byte b) => b is Sp or Htab;

    public static bool IsHexDigit(byte b) => HexBytes.Contains(b);

    public static bool IsDigits(ReadOnlySpan<byte> span) => !span.IsEmpty && !span.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>
    /// A valid field value (RFC 9110 §5.5): VCHAR, SP, HTAB and obs-text (0x80–0xFF, opaque bytes the app sees as
    /// Latin-1); no other CTL, no DEL. NUL, CR and LF are what smuggling and header injection are made of.
    /// </summary>
    public static bool IsValidFieldValue(ReadOnlySpan<byte> value) => !value.ContainsAny(InvalidFieldValueBytes);

    /// <summary>The request-target may hold only visible ASCII: no whitespace, CTL, DEL or non-ASCII.</summary>
    public static bool IsValidTargetBytes(ReadOnlySpan<byte> target) =>
        !target.IsEmpty && !target.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E);

    public static bool IsRegName(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept(RegNameBytes) && HasValidPercentEncoding(span);

    public static bool IsIpLiteralContent(ReadOnlySpan<byte> span) => !span.IsEmpty && !span.ContainsAnyExcept(IpLiteralBytes);

    /// <summary>Each '%' is followed by two hex digits (RFC 3986 pct-encoded).</summary>
    public static bool HasValidPercentEncoding(ReadOnlySpan<byte> span)
    {
        int at;
        while ((at = span.IndexOf((byte)'%')) >= 0)
        {
            if (at + 2 >= span.Length || !IsHexDigit(span[at + 1]) || !IsHexDigit(span[at + 2]))
            {
                return false;
            }

            span = span[(at + 3)..];
        }

        return true;
    }

    /// <summary>Removes leading and trailing OWS (SP / HTAB).</summary>
    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> span)
    {
        int start = 0;
        while (start < span.Length && IsWhitespace(span[start]))
        {
            start++;
        }

        int end = span.Length;
        while (end > start && IsWhitespace(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }

    /// <summary>Latin-1 keeps every byte as one char, so obs-text survives a round trip.</summary>
    public static string ToLatin1String(ReadOnlySpan<byte> span) => span.IsEmpty ? string.Empty : Encoding.Latin1.GetString(span);

    private static byte[] BuildInvalidFieldValueBytes()
    {
        var bytes = new List<byte>();
        for (int b = 0; b < 0x20; b++)
        {
            if (b != Htab)
            {
                bytes.Add((byte)b);
            }
        }

        bytes.Add(0x7F);
        return [.. bytes];
    }
}
