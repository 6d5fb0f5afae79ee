using System.Buffers;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// The <c>trailer-section</c> after the last chunk (RFC 9112 §7.1.2): field lines parsed with the header
/// rules, then an empty line. A partial line is copied into a small internal buffer, so the decoder's input
/// never has to be re-read; the copy is bounded by <see cref="ServerLimits.MaxRequestHeadersTotalSize"/>.
/// </summary>
internal sealed class TrailerSection(ServerLimits limits)
{
    private readonly ArrayBufferWriter<byte> _line = new(64);
    private int _sectionBytes;
    private int _count;

    /// <summary>The trailer fields received, or null when there were none.</summary>
    public HeaderCollection? Fields { get; private set; }

    /// <summary>Consumes bytes up to and including the end of the next line; done after the final empty line.</summary>
    public int Feed(ReadOnlySpan<byte> input, out bool done)
    {
        done = false;
        int lf = input.IndexOf(HttpCharacters.Lf);
        int take = lf < 0 ? input.Length : lf + 1;

        // Counted like the header section: every byte of every line, CRLFs included (→ 431 when over). The
        // bytes within the limit are judged first: arriving alone they would have been a 400, and the
        // verdict must not depend on how the bytes were packetised.
        int room = limits.MaxRequestHeadersTotalSize - _sectionBytes;
        bool tooLarge = take > room;
        if (tooLarge)
        {
            take = room;
        }

        _sectionBytes += take;
        int previousLength = _line.WrittenCount;
        _line.Write(input[..take]);
        var line = _line.WrittenSpan;
        if (lf < 0 || tooLarge)
        {
            // No LF yet, so a CR before the last byte is already a bare CR; fail now rather than at the LF.
            if (!line.IsEmpty && line[Math.Max(previousLength - 1, 0)..^1].Contains(HttpCharacters.Cr))
            {
                throw new BadHttpRequestException(400, "Invalid trailer: CR not followed by LF");
            }

            HeaderFieldParser.RejectObsFold(line);
            return tooLarge ? throw new BadHttpRequestException(431, "Request trailers too large") : take;
        }

        done = AcceptLine(line);
        _line.ResetWrittenCount();
        return take;
    }

    /// <summary>Validates one complete line; true when it was the empty line that ends the section.</summary>
    private bool AcceptLine(ReadOnlySpan<byte> line)
    {
        int lf = HeadLines.FindLineEnd(line, int.MaxValue, 431, "Request trailers too large");
        Invariant.Assert(lf == line.Length - 1);
        var content = line[..(lf - 1)];
        if (content.IsEmpty)
        {
            return true;
        }

        // Judged before the count, as it was while the line was still arriving.
        HeaderFieldParser.RejectObsFold(content);
        if (++_count > limits.MaxRequestHeaderCount)
        {
            throw new BadHttpRequestException(431, "Too many request trailers");
        }

        var parsed = HeaderFieldParser.Parse(content);
        var (name, value) = HeaderFieldParser.Materialize(content, parsed);
        (Fields ??= new HeaderCollection()).Append(name, value);
        return false;
    }
}
