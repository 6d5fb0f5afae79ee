using System.Globalization;
using System.Text;
using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;

namespace Testbed.Simulator.Clients;

/// <summary>How field names are cased on the wire.</summary>
public enum NameCase
{
    Canonical,
    Lower,
    Upper,
}

/// <summary>
/// One request a simulated client will send, decided before it is sent: what it asks of which app, how its body
/// is framed, and, for a malformed one, how it is broken. <see cref="Head"/> and <see cref="BodyWire"/> are its
/// bytes on the wire.
/// </summary>
public sealed record RequestPlan
{
    /// <summary>The client's name for it: connection and position (<c>k3.2</c>), sent as <c>X-Request</c>.</summary>
    public required string Id { get; init; }

    public required string Method { get; init; }

    public required string Target { get; init; }

    public required SimApp App { get; init; }

    public bool Http10 { get; init; }

    /// <summary>Sends <c>Connection: close</c>.</summary>
    public bool ConnectionClose { get; init; }

    /// <summary>An HTTP/1.0 request that sends <c>Connection: keep-alive</c>.</summary>
    public bool KeepAlive10 { get; init; }

    /// <summary>Sends <c>Expect: 100-continue</c> and waits for the 100 (or the final answer) before its body.</summary>
    public bool ExpectContinue { get; init; }

    /// <summary>The body's content, before any chunked framing.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>The sizes of the chunks of a chunked body; null for a Content-Length body or none.</summary>
    public IReadOnlyList<int>? ChunkSizes { get; init; }

    /// <summary>How the request is broken on purpose, or null.</summary>
    public Malformation? Malformation { get; init; }

    /// <summary>How field names are cased on the wire (they are case-insensitive: RFC 9110 §5.1).</summary>
    public NameCase NameCase { get; init; }

    /// <summary>Optional whitespace around field values: 0 none, 1 one space before, 2 spaces and a tab around.</summary>
    public int Spacing { get; init; } = 1;

    /// <summary>Fields the server must ignore (<c>X-Extra-N</c>).</summary>
    public int ExtraFields { get; init; }

    /// <summary>Empty lines before the request line (RFC 9112 §2.2: a server SHOULD ignore at least one).</summary>
    public int LeadingEmptyLines { get; init; }

    /// <summary>Chunk size lines with extensions and with uppercase, zero-padded hexadecimal.</summary>
    public bool FancyChunks { get; init; }

    /// <summary>A trailer section after the last chunk.</summary>
    public bool Trailers { get; init; }

    /// <summary>The Connection field's value when it asks to close (any case, maybe among other tokens), and when it asks to keep.</summary>
    public string CloseToken { get; init; } = "close";

    public string KeepAliveToken { get; init; } = "keep-alive";

    /// <summary>Sends the target in absolute form (<c>http://testbed/plain</c>), which a server MUST accept (RFC 9112 §3.2.2).</summary>
    public bool AbsoluteForm { get; init; }

    /// <summary>Pads the target (with a <c>pad</c> parameter) so the request line, CRLF included, is exactly this long.</summary>
    public int? PadLineTo { get; init; }

    /// <summary>Pads with a field so the header section, the empty line's CRLF included, is exactly this long.</summary>
    public int? PadHeadersTo { get; init; }

    /// <summary>The request line's length, CRLF included (after <see cref="Encode"/>).</summary>
    public int LineLength { get; private set; }

    /// <summary>The header section's length, every CRLF up to the empty line's included (after <see cref="Encode"/>).</summary>
    public int HeaderSectionLength { get; private set; }

    public bool IsHead => Method == "HEAD";

    public bool HasBody => ChunkSizes is not null || Body.Length > 0;

    /// <summary>A chunked body, or none at all: where a second Transfer-Encoding cannot conflict with a length.</summary>
    public bool ChunkedOrEmpty => ChunkSizes is not null || (Body.Length == 0 && Method is not ("POST" or "PUT"));

    /// <summary>Whether the client lets the server keep the connection after this request.</summary>
    public bool KeepAlive => Http10 ? KeepAlive10 && !ConnectionClose : !ConnectionClose;

    /// <summary>The request line and header section, with the empty line that ends it (after <see cref="Encode"/>).</summary>
    public byte[] Head { get; private set; } = [];

    /// <summary>The body as it goes on the wire: raw, or chunked with the last chunk (after <see cref="Encode"/>).</summary>
    public byte[] BodyWire { get; private set; } = [];

    /// <summary>Writes the request's bytes; a malformation measures "too long" against <paramref name="limits"/>.</summary>
    public RequestPlan Encode(ServerLimits limits)
    {
        var head = HeadText();
        head = Malformation?.Break(this, head, limits) ?? head;
        Head = Encoding.Latin1.GetBytes(head);
        BodyWire = Malformation?.BreakBody(this) ?? EncodeBody();
        var lines = head[(LeadingEmptyLines * 2)..];
        var lineEnd = lines.IndexOf('\n', StringComparison.Ordinal);
        LineLength = lineEnd + 1;
        HeaderSectionLength = lines.Length - LineLength;
        return this;
    }

    /// <summary>The head of this request with its line or its header section padded to a length instead.</summary>
    internal string With(int? padLineTo = null, int? padHeadersTo = null) =>
        (this with { PadLineTo = padLineTo ?? PadLineTo, PadHeadersTo = padHeadersTo ?? PadHeadersTo }).HeadText();

    /// <summary>The head as a well-formed request would have it; a malformation starts from this.</summary>
    private string HeadText()
    {
        var fields = new StringBuilder();
        Field(fields, "Host", "testbed");
        Field(fields, "X-Request", Id);
        if (ConnectionClose)
        {
            Field(fields, "Connection", CloseToken);
        }
        else if (KeepAlive10)
        {
            Field(fields, "Connection", KeepAliveToken);
        }

        if (ChunkSizes is not null)
        {
            Field(fields, "Transfer-Encoding", "chunked");
        }
        else if (Body.Length > 0 || Method is "POST" or "PUT")
        {
            Field(fields, "Content-Length", Body.Length.ToString(CultureInfo.InvariantCulture));
        }

        if (ExpectContinue)
        {
            Field(fields, "Expect", "100-continue");
        }

        for (var i = 1; i <= ExtraFields; i++)
        {
            Field(fields, $"X-Extra-{i}", $"value {i}; with, separators=\"and quotes\"");
        }

        var target = AbsoluteForm ? "http://testbed" + Target : Target;
        var line = $"{Method} {target} HTTP/1.{(Http10 ? 0 : 1)}\r\n";
        if (PadLineTo is { } lineLength && lineLength > line.Length + 5)
        {
            var pad = (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "pad=";
            target += pad + new string('p', lineLength - line.Length - pad.Length);
            line = $"{Method} {target} HTTP/1.{(Http10 ? 0 : 1)}\r\n";
        }

        var padName = Name("X-Pad") + ":" + Gap(before: true);
        var padEnd = Gap(before: false) + "\r\n";
        if (PadHeadersTo is { } headerLength && headerLength - 2 - fields.Length - padName.Length - padEnd.Length is var padding and > 0)
        {
            fields.Append(padName).Append('h', padding).Append(padEnd);
        }

        return string.Concat(Enumerable.Repeat("\r\n", LeadingEmptyLines)) + line + fields + "\r\n";
    }

    public override string ToString() => $"{Id} {Method} {Target} HTTP/1.{(Http10 ? 0 : 1)}{(Malformation is null ? string.Empty : " (" + Malformation.Name + ")")}";

    private void Field(StringBuilder fields, string name, string value) =>
        fields.Append(Name(name)).Append(':').Append(Gap(before: true)).Append(value).Append(Gap(before: false)).Append("\r\n");

    private string Name(string name) => NameCase switch
    {
        NameCase.Lower => name.ToLowerInvariant(),
        NameCase.Upper => name.ToUpperInvariant(),
        _ => name,
    };

    private string Gap(bool before) => Spacing switch
    {
        0 => string.Empty,
        1 => before ? " " : string.Empty,
        _ => before ? "  " : " \t",
    };

    private byte[] EncodeBody()
    {
        if (ChunkSizes is null)
        {
            return Body;
        }

        using var wire = new MemoryStream();
        var offset = 0;
        foreach (var size in ChunkSizes)
        {
            var sizeLine = FancyChunks ? "0" + size.ToString("X", CultureInfo.InvariantCulture) + " ; name=value;quoted=\"a b\"" : size.ToString("x", CultureInfo.InvariantCulture);
            wire.Write(Encoding.ASCII.GetBytes(sizeLine + "\r\n"));
            wire.Write(Body, offset, size);
            wire.Write("\r\n"u8);
            offset += size;
        }

        wire.Write(Trailers ? "0\r\nX-Checksum: none\r\nX-Trailer:  last\r\n\r\n"u8 : "0\r\n\r\n"u8);
        return wire.ToArray();
    }
}
