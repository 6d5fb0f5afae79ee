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
    /// The head bytes, in one exactly sized array. Date and Server come first unless the app set them. The
    /// reason phrase, header names and values are checked, so an app cannot split the response or send bytes
    /// a strict client rejects.
    /// </summary>
    public static byte[] Write(HttpVersion version, int status, string? reasonPhrase, HeaderCollection headers, ConnectionContext context)
    {
        var reason = reasonPhrase ?? ReasonPhrases.For(status);
        if (reason.AsSpan().ContainsAnyExcept(FieldValueChars))
        {
            // The app sets the phrase too: CR or LF in it would split the response just as in a header value.
            throw new InvalidOperationException("Invalid characters in the response reason phrase.");
        }

        var date = headers.Contains("Date") ? null : context.DateHeader.Value;
        var server = headers.Contains("Server") ? null : context.ServerHeader;
        var length = "HTTP/1.1 000 ".Length + reason.Length + 2 + FieldLength("Date", date) + FieldLength("Server", server) + 2;
        foreach (var (name, value) in headers)
        {
            Validate(name, value);
            length += FieldLength(name, value);
        }

        var head = new byte[length];
        var span = head.AsSpan();
        Append(ref span, version == HttpVersion.Http11 ? "HTTP/1.1 " : "HTTP/1.0 ");
        status.TryFormat(span, out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        span = span[digits..];
        Append(ref span, " ");
        Append(ref span, reason);
        Append(ref span, "\r\n");
        AppendField(ref span, "Date", date);
        AppendField(ref span, "Server", server);
        foreach (var (name, value) in headers)
        {
            AppendField(ref span, name, value);
        }

        Append(ref span, "\r\n");
        Infrastructure.Invariant.Assert(span.IsEmpty);
        return head;
    }

    private static int FieldLength(string name, string? value) => value is null ? 0 : name.Length + 2 + value.Length + 2;

    private static void AppendField(ref Span<byte> span, string name, string? value)
    {
        if (value is not null)
        {
            Append(ref span, name);
            Append(ref span, ": ");
            Append(ref span, value);
            Append(ref span, "\r\n");
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
