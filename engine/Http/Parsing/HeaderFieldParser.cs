namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// One <c>field-line</c> (RFC 9112 §5): <c>field-name ":" OWS field-value OWS</c>, CRLF already removed.
/// Used for the header section and for chunked trailers, so both follow the same rules.
/// </summary>
internal static class HeaderFieldParser
{
    /// <summary>
    /// Validates a non-empty field line and returns where its name ends and its trimmed value lies.
    /// Throws 400 for obs-fold, an empty or non-token name (which covers whitespace before the colon),
    /// a missing colon, or a value with a CTL, bare CR or NUL.
    /// </summary>
    public static (int NameLength, Range Value) Parse(ReadOnlySpan<byte> line)
    {
        RejectObsFold(line);
        int colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            throw new BadHttpRequestException(400, "Invalid header: missing ':'");
        }

        // RFC 9112 §5.1: no whitespace between name and colon, MUST be rejected with 400.
        if (!HttpCharacters.IsToken(line[..colon]))
        {
            throw new BadHttpRequestException(400, "Invalid header: field name is empty or not a token");
        }

        int start = colon + 1;
        int end = line.Length;
        while (start < end && HttpCharacters.IsWhitespace(line[start]))
        {
            start++;
        }

        while (end > start && HttpCharacters.IsWhitespace(line[end - 1]))
        {
            end--;
        }

        if (!HttpCharacters.IsValidFieldValue(line[start..end]))
        {
            throw new BadHttpRequestException(400, "Invalid header: control character or malformed byte in field value");
        }

        return (colon, new Range(start, end));
    }

    /// <summary>
    /// A line (complete or not) that starts with whitespace is obs-fold, or junk after the start line.
    /// RFC 9112 §5.2 lets a server reject it, and unfolding it differently from a front end is a smuggling vector.
    /// </summary>
    public static void RejectObsFold(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && HttpCharacters.IsWhitespace(line[0]))
        {
            throw new BadHttpRequestException(400, "Invalid header: line folding (obs-fold) is not accepted");
        }
    }

    /// <summary>Builds the name and value strings of a line that <see cref="Parse"/> accepted.</summary>
    public static (string Name, string Value) Materialize(ReadOnlySpan<byte> line, (int NameLength, Range Value) parsed) =>
        (KnownStrings.FieldName(line[..parsed.NameLength]), HttpCharacters.ToLatin1String(line[parsed.Value]));
}
