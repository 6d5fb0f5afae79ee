namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// A streaming recogniser for <c>chunk-size [ chunk-ext ] CRLF</c> (RFC 9112 §7.1, §7.1.1):
/// <code>
/// chunk-ext     = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
/// chunk-ext-val = token / quoted-string
/// </code>
/// It keeps only a phase and counters, so a line split at any byte boundary needs no buffering and no
/// re-reading. Extensions are validated and discarded: no extension is understood.
/// </summary>
internal struct ChunkSizeLine
{
    /// <summary>
    /// Longest size line accepted, CRLF included. The size itself needs at most 16 digits; the rest is room
    /// for extensions, which nobody sends at length except to make a server buffer or spin.
    /// </summary>
    public const int MaxLength = 4096;

    private Phase _phase;
    private int _digits;
    private int _length;

    private enum Phase
    {
        Digits,
        WhitespaceBeforeSemicolon,
        ExtensionStart,
        ExtensionName,
        WhitespaceAfterName,
        ValueStart,
        TokenValue,
        QuotedValue,
        QuotedPair,
        AfterQuotedValue,
        LineFeed,
    }

    /// <summary>The chunk size, valid once <see cref="Feed"/> reported the line done.</summary>
    public long Size { get; private set; }

    /// <summary>Consumes bytes up to and including the LF; returns how many, and whether the line is done.</summary>
    public int Feed(ReadOnlySpan<byte> input, out bool done)
    {
        for (int i = 0; i < input.Length; i++)
        {
            if (++_length > MaxLength)
            {
                throw Bad("Chunk size line too long");
            }

            if (Step(input[i]))
            {
                done = true;
                return i + 1;
            }
        }

        done = false;
        return input.Length;
    }

    /// <summary>Advances the recogniser by one byte; true when that byte was the line's LF.</summary>
    private bool Step(byte b)
    {
        switch (_phase)
        {
            case Phase.Digits:
                return StepDigits(b);
            case Phase.WhitespaceBeforeSemicolon:
                // BWS is only allowed before another ';', never before the CRLF (RFC 9112 §7.1.1).
                _phase = HttpCharacters.IsWhitespace(b) ? _phase : b == (byte)';' ? Phase.ExtensionStart : throw BadExtension();
                return false;
            case Phase.ExtensionStart:
                _phase = HttpCharacters.IsWhitespace(b) ? _phase : HttpCharacters.IsTokenByte(b) ? Phase.ExtensionName : throw BadExtension();
                return false;
            case Phase.ExtensionName:
                _phase = HttpCharacters.IsTokenByte(b) ? _phase : b == (byte)'=' ? Phase.ValueStart : AfterElement(b, Phase.WhitespaceAfterName);
                return false;
            case Phase.WhitespaceAfterName:
                _phase = HttpCharacters.IsWhitespace(b) ? _phase : b == (byte)'=' ? Phase.ValueStart : b == (byte)';' ? Phase.ExtensionStart : throw BadExtension();
                return false;
            case Phase.ValueStart:
                _phase = HttpCharacters.IsWhitespace(b) ? _phase : b == (byte)'"' ? Phase.QuotedValue : HttpCharacters.IsTokenByte(b) ? Phase.TokenValue : throw BadExtension();
                return false;
            case Phase.TokenValue:
                _phase = HttpCharacters.IsTokenByte(b) ? _phase : AfterElement(b, Phase.WhitespaceBeforeSemicolon);
                return false;
            case Phase.QuotedValue:
                _phase = b == (byte)'"' ? Phase.AfterQuotedValue : b == (byte)'\\' ? Phase.QuotedPair : IsQdText(b) ? _phase : throw BadExtension();
                return false;
            case Phase.QuotedPair:
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                _phase = b == HttpCharacters.Htab || (b >= 0x20 && b != 0x7F) ? Phase.QuotedValue : throw BadExtension();
                return false;
            case Phase.AfterQuotedValue:
                _phase = AfterElement(b, Phase.WhitespaceBeforeSemicolon);
                return false;
            default:
                return b == HttpCharacters.Lf ? true : throw Bad("Chunk size line: CR not followed by LF");
        }
    }

    private bool StepDigits(byte b)
    {
        int digit = HexValue(b);
        if (digit >= 0)
        {
            // Cap at 0x7FFF_FFFF_FFFF_FFFF: a size that wraps is the classic chunked smuggling trick.
            Size = Size <= (long.MaxValue - digit) >> 4 ? (Size << 4) | (uint)digit : throw Bad("Chunk size overflow");
            _digits++;
            return false;
        }

        if (_digits == 0)
        {
            throw Bad("Invalid chunk size: no hex digits");
        }

        _phase = b == (byte)';' ? Phase.ExtensionStart : AfterElement(b, Phase.WhitespaceBeforeSemicolon, "Invalid character in chunk size");
        return false;
    }

    /// <summary>What may follow a size, a name or a value: ';', CR, or BWS leading to the next ';'.</summary>
    private Phase AfterElement(byte b, Phase onWhitespace, string reason = "Invalid chunk extension") =>
        b == (byte)';' ? Phase.ExtensionStart
        : b == HttpCharacters.Cr ? Phase.LineFeed
        : HttpCharacters.IsWhitespace(b) ? onWhitespace
        : throw Bad(reason);

    /// <summary>qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4).</summary>
    private static bool IsQdText(byte b) => b == HttpCharacters.Htab || (b >= 0x20 && b != 0x7F && b != (byte)'"' && b != (byte)'\\');

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static BadHttpRequestException BadExtension() => Bad("Invalid chunk extension");

    private static BadHttpRequestException Bad(string reason) => new(400, reason);
}
