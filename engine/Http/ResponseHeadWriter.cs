using System.Buffers;
using System.Text;
using Testbed.Engine.Connections;

namespace Testbed.Engine.Http;

/// <summary>Serialises a status line and header section (RFC 9112 §4, §5).</summary>
internal static class ResponseHeadWriter
{
    /// <summary>tchar (RFC 9110 §5.6.2).</summary>
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>field-vchar, SP and HTAB (RFC 9110 §5.5), with obs-text as Latin-1: what a value may hold.</summary>
    private static readonly SearchValues<char> FieldValueChars = SearchValues.Create(
        "\t" + string.Concat(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c)) +
        string.Concat(Enumerable.Range(0x80, 0x80).Select(c => (char)c)));

    /// <summary>
    /// Checks a head and measures it. Date and Server come first unless the app set them. The reason phrase,
    /// header names and values are checked, so an app cannot split the response or send bytes a strict client
    /// rejects; nothing is written until all of it passed.
    /// </summary>
    public static ResponseHead Prepare(HttpVersion version, int status, string? reasonPhrase, HeaderCollection headers, ConnectionContext context)
    {
        var statusLine = reasonPhrase is null ? StatusLines.For(version, status) : null;
        var reason = reasonPhrase ?? ReasonPhrases.For(status);
        if (reason.AsSpan().ContainsAnyExcept(FieldValueChars))
        {
            // The app sets the phrase too: CR or LF in it would split the response just as in a header value.
            throw new InvalidOperationException("Invalid characters in the response reason phrase.");
        }

        var date = headers.Contains("Date") ? null : context.DateHeader.Line;
        var server = headers.Contains("Server") ? null : context.ServerLine;
        var length = (statusLine?.Length ?? "HTTP/1.1 000 ".Length + reason.Length + 2) + (date?.Length ?? 0) + (server?.Length ?? 0) + 2;
        foreach (var (name, value) in headers)
        {
            Validate(name, value);
            length += name.Length + 2 + value.Length + 2;
        }

        return new ResponseHead(version, status, statusLine, reason, date, server, headers, length);
    }

    /// <summary>Writes a prepared head into exactly <see cref="ResponseHead.Length"/> bytes (the output's pool block).</summary>
    public static void Write(Span<byte> span, ResponseHead head)
    {
        Infrastructure.Invariant.Assert(span.Length == head.Length);
        if (head.StatusLine is { } statusLine)
        {
            Append(ref span, statusLine);
        }
        else
        {
            Append(ref span, head.Version == HttpVersion.Http11 ? "HTTP/1.1 " : "HTTP/1.0 ");
            head.Status.TryFormat(span, out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
            Infrastructure.Invariant.Assert(digits == 3, "a status has three digits");
            span = span[digits..];
            Append(ref span, " ");
            Append(ref span, head.Reason);
            Append(ref span, "\r\n");
        }

        Append(ref span, head.DateLine);
        Append(ref span, head.ServerLine);
        foreach (var (name, value) in head.Headers)
        {
            Append(ref span, name);
            Append(ref span, ": ");
            Append(ref span, value);
            Append(ref span, "\r\n");
        }

        Append(ref span, "\r\n");
        Infrastructure.Invariant.Assert(span.IsEmpty);
    }

    /// <summary>Sends a prepared head through the connection's output, written in place.</summary>
    public static Task SendAsync(SocketOutput output, ResponseHead head, bool immediate) =>
        output.WriteAsync(head.Length, head, static (span, h) => Write(span, h), immediate);

    private static void Append(ref Span<byte> span, byte[]? bytes)
    {
        if (bytes is not null)
        {
            bytes.CopyTo(span);
            span = span[bytes.Length..];
        }
    }

    private static void Append(ref Span<byte> span, string text)
    {
        var written = Encoding.Latin1.GetBytes(text, span);
        span = span[written..];
    }

    private static void Validate(string name, string value)
    {
        // RFC 9110 §5.1: a field name is a token. Checking tchar also excludes ':', CR, LF, whitespace and NUL.
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            throw new InvalidOperationException($"Invalid response header name '{name}'.");
        }

        if (value.AsSpan().ContainsAnyExcept(FieldValueChars))
        {
            throw new InvalidOperationException($"Invalid characters in the value of response header '{name}'.");
        }
    }
}

/// <summary>A checked and measured response head, ready to be written where it goes.</summary>
/// <remarks>
/// <see cref="StatusLine"/> is the cached first line when the status has its standard phrase; otherwise the line
/// is written from <see cref="Version"/>, <see cref="Status"/> and <see cref="Reason"/>. The Date and Server lines
/// are null when the app set those fields itself.
/// </remarks>
internal readonly record struct ResponseHead(
    HttpVersion Version, int Status, byte[]? StatusLine, string Reason, byte[]? DateLine, byte[]? ServerLine, HeaderCollection Headers, int Length);
