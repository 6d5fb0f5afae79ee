using System.Buffers;
using System.Text;
using Testbed.Engine.Connections;

namespace Testbed.Engine.Http;

/// <summary>Serialises a status line and header section (RFC 9112 §4, §5).</summary>
public static class ResponseHeadWriter
{
    /// <summary>tchar (RFC 9110 §5.6.2).</summary>
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// The head bytes. Date and Server come first unless the app set them. The reason phrase, header names
    /// and values are checked, so an app cannot split the response with CR or LF.
    /// </summary>
    public static byte[] Write(HttpVersion version, int status, string? reasonPhrase, HeaderCollection headers, ConnectionContext context)
    {
        var reason = reasonPhrase ?? ReasonPhrases.For(status);
        if (reason.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            // The app sets the phrase too: CR or LF in it would split the response just as in a header value.
            throw new InvalidOperationException("Invalid characters in the response reason phrase.");
        }

        var text = new StringBuilder(256);
        text.Append(version == HttpVersion.Http11 ? "HTTP/1.1 " : "HTTP/1.0 ")
            .Append(status)
            .Append(' ')
            .Append(reason)
            .Append("\r\n");
        if (!headers.Contains("Date"))
        {
            text.Append("Date: ").Append(context.DateHeader.Value).Append("\r\n");
        }

        if (!headers.Contains("Server"))
        {
            text.Append("Server: ").Append(context.ServerHeader).Append("\r\n");
        }

        foreach (var (name, value) in headers)
        {
            Validate(name, value);
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("\r\n");
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    private static void Validate(string name, string value)
    {
        // RFC 9110 §5.1: a field name is a token. Checking tchar also excludes ':', CR, LF, whitespace and NUL.
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            throw new InvalidOperationException($"Invalid response header name '{name}'.");
        }

        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new InvalidOperationException($"Invalid characters in the value of response header '{name}'.");
        }
    }
}
