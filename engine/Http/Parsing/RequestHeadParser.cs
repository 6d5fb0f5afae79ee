using System.Buffers;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// Parses an HTTP/1.1 request head (request line, header section, empty line) per RFC 9112 §2–§6 and
/// decides the message framing. Stateless: it is called again from the start of the buffer whenever more
/// bytes arrive, so the incomplete case validates what is there without allocating and builds strings only
/// once the whole head is buffered.
/// </summary>
internal static class RequestHeadParser
{
    private const int Incomplete = -1;

    /// <summary>
    /// Tries to parse one request head from the start of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">Unconsumed request bytes; may span any number of segments.</param>
    /// <param name="limits">Line, header-section, header-count and body-size limits.</param>
    /// <param name="head">Filled with the parsed head, framing decided, when the method returns true (the connection's, reused).</param>
    /// <param name="consumed">Just past the empty line that ends the head when true; the buffer start when false.</param>
    /// <returns>
    /// True when a whole head was parsed; false when more bytes are needed and those buffered break no rule yet.
    /// Empty lines before the request line (RFC 9112 §2.2) are skipped, up to <see cref="ServerLimits.MaxRequestLineSize"/> bytes.
    /// </returns>
    /// <exception cref="BadHttpRequestException">
    /// 400 for malformed syntax or ambiguous framing, 413 for a Content-Length over the body limit, 414 for a
    /// request line over the limit, 431 for too many or too large header fields, 505 for an unsupported version.
    /// </exception>
    public static bool TryParse(
        in ReadOnlySequence<byte> buffer,
        ServerLimits limits,
        RequestHead head,
        out SequencePosition consumed)
    {
        // The head usually sits in the first segment; that needs no copy. A verdict of "incomplete" on the
        // first segment alone is only final when there is nothing more.
        int length = Parse(buffer.FirstSpan, limits, head);
        if (length == Incomplete && !buffer.IsSingleSegment)
        {
            length = ParseCopy(buffer, limits, head);
        }

        consumed = length == Incomplete ? buffer.Start : buffer.GetPosition(length);
        return length != Incomplete;
    }

    /// <summary>Copies the bounded head window into a pooled contiguous buffer when it spans segments.</summary>
    private static int ParseCopy(in ReadOnlySequence<byte> buffer, ServerLimits limits, RequestHead head)
    {
        // Leading empty lines, request line and header section each have a limit, so a head (or the proof
        // that a limit is broken) always lies within this window.
        long window = (2L * limits.MaxRequestLineSize) + limits.MaxRequestHeadersTotalSize;
        int copyLength = (int)Math.Min(buffer.Length, Math.Min(window, Array.MaxLength));
        byte[] rented = ArrayPool<byte>.Shared.Rent(copyLength);
        try
        {
            buffer.Slice(0, copyLength).CopyTo(rented);
            int length = Parse(rented.AsSpan(0, copyLength), limits, head);
            Invariant.Assert(length != Incomplete || copyLength == buffer.Length);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int Parse(ReadOnlySpan<byte> span, ServerLimits limits, RequestHead head)
    {
        int start = SkipEmptyLines(span, limits);
        var rest = span[start..];
        int lf = HeadLines.FindLineEnd(rest, limits.MaxRequestLineSize, 414, "Request line too long", RejectPartialMethod);
        if (lf == Incomplete)
        {
            return Incomplete;
        }

        // The request line is judged as soon as it is complete: a bad version or target gets its answer
        // without waiting for headers that may never come.
        var line = rest[..(lf - 1)];
        var requestLine = RequestLineParser.Parse(line);
        int headerStart = start + lf + 1;

        // After the request line, the first CRLFCRLF can only be the end of the head (no line may hold a
        // bare CR or LF), so this tells cheaply whether strings are worth building on this pass.
        bool complete = span[(headerStart - 2)..].IndexOf("\r\n\r\n"u8) >= 0;
        var fields = complete ? head.Headers : null;
        fields?.StartParsed();
        var framing = new FramingRules(requestLine.Version, requestLine.Form);
        int end = ScanHeaderSection(span, headerStart, limits, fields, ref framing);
        if (end == Incomplete)
        {
            return Incomplete;
        }

        Invariant.Assert(complete, "a head ends only where CRLFCRLF was found");
        var decided = framing.Decide(limits);
        head.SetRequestLine(line, requestLine);
        head.SetFraming(decided);
        return end;
    }

    /// <summary>
    /// A request line still arriving is already wrong when its method holds a non-token byte (a TLS
    /// handshake or binary junk on the plain-text port): answer 400 now instead of waiting for a line end
    /// that may never come.
    /// </summary>
    private static void RejectPartialMethod(ReadOnlySpan<byte> partialLine)
    {
        int space = partialLine.IndexOf((byte)' ');
        var method = space < 0 ? partialLine : partialLine[..space];
        if (space < 0 && method.EndsWith("\r"u8))
        {
            method = method[..^1]; // the CR of a line end whose LF is still on its way
        }

        if (space == 0 || (!method.IsEmpty && !HttpCharacters.IsToken(method)))
        {
            throw new BadHttpRequestException(400, "Invalid request line: bad method");
        }
    }

    /// <summary>
    /// Validates each complete field line, counting lines and bytes against the limits, and collects the
    /// fields when <paramref name="fields"/> is given. Returns the offset just past the empty line.
    /// </summary>
    private static int ScanHeaderSection(
        ReadOnlySpan<byte> span, int headerStart, ServerLimits limits, HeaderCollection? fields, ref FramingRules framing)
    {
        int cursor = headerStart;
        int count = 0;
        while (true)
        {
            var rest = span[cursor..];
            int budget = limits.MaxRequestHeadersTotalSize - (cursor - headerStart);

            // A partial line that starts with whitespace is already obs-fold; say so now.
            int lf = HeadLines.FindLineEnd(rest, budget, 431, "Request headers too large", HeaderFieldParser.RejectObsFold);
            if (lf == Incomplete)
            {
                return Incomplete;
            }

            var line = rest[..(lf - 1)];
            cursor += lf + 1;
            if (line.IsEmpty)
            {
                return cursor;
            }

            // Judged before the count, as it was while the line was still arriving.
            HeaderFieldParser.RejectObsFold(line);
            if (++count > limits.MaxRequestHeaderCount)
            {
                throw new BadHttpRequestException(431, "Too many request headers");
            }

            var parsed = HeaderFieldParser.Parse(line);
            framing.Observe(line[..parsed.NameLength], line[parsed.Value]);
            fields?.AppendParsed(line[..parsed.NameLength], line[parsed.Value]);
        }
    }

    /// <summary>RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.</summary>
    private static int SkipEmptyLines(ReadOnlySpan<byte> span, ServerLimits limits)
    {
        int start = 0;
        while (span[start..].StartsWith("\r\n"u8))
        {
            start += 2;
            if (start > limits.MaxRequestLineSize)
            {
                throw new BadHttpRequestException(400, "Too many empty lines before the request line");
            }
        }

        return start;
    }
}
