using System.Buffers;

namespace Testbed.Engine.Http.Parsing;

/// <summary>The four request-target forms of RFC 9112 §3.2.</summary>
internal enum TargetForm
{
    Origin,
    Absolute,
    Authority,
    Asterisk,
}

/// <summary>
/// A validated request line as offsets into the line bytes. Validation allocates nothing, so it can run on
/// every read while the head is still incomplete; strings are only made once the whole head is there.
/// </summary>
internal readonly record struct RequestLine(
    int MethodLength,
    Range Target,
    Range Path,
    Range Query,
    HttpVersion Version,
    TargetForm Form);

/// <summary>Parses <c>method SP request-target SP HTTP-version</c> (RFC 9112 §3), CRLF already removed.</summary>
internal static class RequestLineParser
{
    private static readonly SearchValues<byte> PathEnd = SearchValues.Create("?#"u8);
    private static readonly SearchValues<byte> AuthorityEnd = SearchValues.Create("/?#"u8);

    /// <summary>Validates the line; throws <see cref="BadHttpRequestException"/> (400 or 505) when it is not acceptable.</summary>
    public static RequestLine Parse(ReadOnlySpan<byte> line)
    {
        // Exactly one SP between the parts (no whitespace-tolerant splitting): a lenient split is how
        // front-end and back-end come to disagree about where the target ends.
        int firstSpace = line.IndexOf(HttpCharacters.Sp);
        if (firstSpace <= 0 || !HttpCharacters.IsToken(line[..firstSpace]))
        {
            throw Bad("Invalid request line: bad method");
        }

        int targetStart = firstSpace + 1;
        int secondSpace = line[targetStart..].IndexOf(HttpCharacters.Sp);
        if (secondSpace <= 0)
        {
            throw Bad("Invalid request line: missing request-target or version");
        }

        int targetEnd = targetStart + secondSpace;
        var version = ParseVersion(line[(targetEnd + 1)..]);
        var method = line[..firstSpace];
        var target = line[targetStart..targetEnd];
        if (!HttpCharacters.IsValidTargetBytes(target))
        {
            throw Bad("Invalid request-target: whitespace, control or non-ASCII byte");
        }

        return ClassifyTarget(method, target, targetStart, version);
    }

    /// <summary>Builds the target's strings (target, path, query) of a line that <see cref="Parse"/> accepted.</summary>
    public static (string Target, string Path, string Query) MaterializeTarget(ReadOnlySpan<byte> line, in RequestLine parsed)
    {
        string target = HttpCharacters.ToLatin1String(line[parsed.Target]);
        string path = parsed.Form switch
        {
            TargetForm.Asterisk => "*",
            TargetForm.Authority => string.Empty,
            TargetForm.Absolute when line[parsed.Path].IsEmpty => "/",
            _ when parsed.Path.Equals(parsed.Target) => target,
            _ => HttpCharacters.ToLatin1String(line[parsed.Path]),
        };
        return (target, path, HttpCharacters.ToLatin1String(line[parsed.Query]));
    }

    /// <summary>HTTP-version = "HTTP/" DIGIT "." DIGIT; a well-formed but unsupported version is 505.</summary>
    private static HttpVersion ParseVersion(ReadOnlySpan<byte> version)
    {
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || !char.IsAsciiDigit((char)version[5])
            || version[6] != (byte)'.' || !char.IsAsciiDigit((char)version[7]))
        {
            throw Bad("Invalid request line: malformed HTTP-version");
        }

        if (version[5] == (byte)'1' && version[7] == (byte)'1')
        {
            return HttpVersion.Http11;
        }

        if (version[5] == (byte)'1' && version[7] == (byte)'0')
        {
            return HttpVersion.Http10;
        }

        throw new BadHttpRequestException(505, "HTTP version not supported");
    }

    private static RequestLine ClassifyTarget(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, int offset, HttpVersion version)
    {
        bool isConnect = method.SequenceEqual("CONNECT"u8);
        var whole = new Range(offset, offset + target.Length);
        if (target[0] == (byte)'/' && !isConnect)
        {
            var (path, query) = SplitPathAndQuery(target, 0, offset);
            return new(method.Length, whole, path, query, version, TargetForm.Origin);
        }

        if (target.SequenceEqual("*"u8))
        {
            // asterisk-form is only for a server-wide OPTIONS (RFC 9112 §3.2.4).
            return method.SequenceEqual("OPTIONS"u8)
                ? new(method.Length, whole, whole, default, version, TargetForm.Asterisk)
                : throw Bad("Invalid request-target: '*' is only allowed with OPTIONS");
        }

        if (isConnect)
        {
            // authority-form: host ":" port, and nothing else (RFC 9112 §3.2.3, RFC 9110 §9.3.6).
            return target[0] != (byte)':' && HostRules.IsValidHostAndPort(target, requirePort: true)
                ? new(method.Length, whole, default, default, version, TargetForm.Authority)
                : throw Bad("Invalid request-target: CONNECT needs host:port");
        }

        return ParseAbsoluteForm(method.Length, target, offset, version);
    }

    private static RequestLine ParseAbsoluteForm(int methodLength, ReadOnlySpan<byte> target, int offset, HttpVersion version)
    {
        int schemeLength = StartsWithIgnoreCase(target, "http://"u8) ? 7 : StartsWithIgnoreCase(target, "https://"u8) ? 8 : -1;
        if (schemeLength < 0)
        {
            throw Bad("Invalid request-target: expected origin-form or an http(s) absolute URI");
        }

        var afterScheme = target[schemeLength..];
        int authorityLength = afterScheme.IndexOfAny(AuthorityEnd);
        if (authorityLength < 0)
        {
            authorityLength = afterScheme.Length;
        }

        if (!HostRules.IsValidAbsoluteAuthority(afterScheme[..authorityLength]))
        {
            throw Bad("Invalid request-target: bad authority");
        }

        var (path, query) = SplitPathAndQuery(target, schemeLength + authorityLength, offset);
        return new(methodLength, new Range(offset, offset + target.Length), path, query, version, TargetForm.Absolute);
    }

    /// <summary>Path runs to the first '?' or '#'; the query keeps its '?'; a fragment is dropped.</summary>
    private static (Range Path, Range Query) SplitPathAndQuery(ReadOnlySpan<byte> target, int pathStart, int offset)
    {
        var rest = target[pathStart..];
        int pathLength = rest.IndexOfAny(PathEnd);
        if (pathLength < 0)
        {
            pathLength = rest.Length;
        }

        // A percent-encoded NUL decodes into paths as a string terminator in file systems and native code.
        if (rest[..pathLength].IndexOf("%00"u8) >= 0)
        {
            throw Bad("Invalid request-target: encoded NUL in path");
        }

        int queryStart = pathStart + pathLength;
        int queryEnd = queryStart;
        if (queryStart < target.Length && target[queryStart] == (byte)'?')
        {
            int fragment = target[queryStart..].IndexOf((byte)'#');
            queryEnd = fragment < 0 ? target.Length : queryStart + fragment;
        }

        return (new Range(offset + pathStart, offset + queryStart), new Range(offset + queryStart, offset + queryEnd));
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> span, ReadOnlySpan<byte> lowerPrefix)
    {
        if (span.Length < lowerPrefix.Length)
        {
            return false;
        }

        for (int i = 0; i < lowerPrefix.Length; i++)
        {
            if ((span[i] | 0x20) != lowerPrefix[i] && span[i] != lowerPrefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static BadHttpRequestException Bad(string reason) => new(400, reason);
}
