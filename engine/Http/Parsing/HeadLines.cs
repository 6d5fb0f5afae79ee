namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// Finds CRLF-terminated lines under a size budget. Only CRLF ends a line: a bare LF or a CR that is not
/// followed by LF is a 400 (RFC 9112 §2.2 lets a server refuse them, and every corpus case expects it).
/// </summary>
internal static class HeadLines
{
    /// <summary>Throws <see cref="BadHttpRequestException"/> when a line still arriving is already wrong.</summary>
    public delegate void PartialLineRule(ReadOnlySpan<byte> partialLine);

    /// <summary>
    /// Returns the index of the LF that ends the first line of <paramref name="span"/>, or -1 when the line
    /// is not complete yet. A line (CRLF included) longer than <paramref name="maxLength"/> throws
    /// <paramref name="tooLongStatus"/> as soon as the buffered bytes prove it, complete or not, unless the
    /// bytes within the limit are already wrong (a bare CR, or what <paramref name="partialLineRule"/> rejects).
    /// </summary>
    public static int FindLineEnd(
        ReadOnlySpan<byte> span, int maxLength, int tooLongStatus, string tooLongReason, PartialLineRule? partialLineRule = null)
    {
        var window = span.Length > maxLength ? span[..Math.Max(maxLength, 0)] : span;
        int lf = window.IndexOf(HttpCharacters.Lf);
        if (lf < 0)
        {
            // The bytes within the limit are judged before the limit: had they arrived alone they would have
            // been rejected with 400, and the verdict must not depend on how the bytes were packetised.
            // A CR already followed by something other than LF can never become a line end.
            int cr = window.IndexOf(HttpCharacters.Cr);
            if (cr >= 0 && cr < window.Length - 1)
            {
                throw BareCr();
            }

            partialLineRule?.Invoke(window);
            if (span.Length >= maxLength)
            {
                throw new BadHttpRequestException(tooLongStatus, tooLongReason);
            }

            return -1;
        }

        if (lf == 0 || span[lf - 1] != HttpCharacters.Cr)
        {
            throw new BadHttpRequestException(400, "Invalid line ending: bare LF");
        }

        if (span[..(lf - 1)].Contains(HttpCharacters.Cr))
        {
            throw BareCr();
        }

        return lf;
    }

    private static BadHttpRequestException BareCr() => new(400, "Invalid line: CR not followed by LF");
}
