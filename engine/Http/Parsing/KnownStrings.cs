namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// Interned strings for the methods and field names nearly every request carries, so that parsing a
/// typical head allocates only for values. A match must be byte-exact: other spellings get their own string.
/// </summary>
internal static class KnownStrings
{
    private static readonly string[] Methods = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"];

    private static readonly string[] FieldNames =
    [
        "Host", "Connection", "Content-Length", "Transfer-Encoding", "Content-Type", "Expect", "Accept",
        "Accept-Encoding", "Accept-Language", "User-Agent", "Cookie", "Cache-Control", "Upgrade", "Referer",
        "Origin", "Authorization", "If-None-Match", "If-Modified-Since", "Pragma", "Keep-Alive", "Te",
        "host", "connection", "content-length", "transfer-encoding", "content-type", "expect", "accept",
        "accept-encoding", "accept-language", "user-agent", "cookie", "cache-control", "upgrade",
    ];

    // Bucketed by length: a lookup compares only candidates of the right size.
    private static readonly string[][] MethodsByLength = BucketByLength(Methods);
    private static readonly string[][] FieldNamesByLength = BucketByLength(FieldNames);

    public static string Method(ReadOnlySpan<byte> bytes) => Lookup(MethodsByLength, bytes);

    public static string FieldName(ReadOnlySpan<byte> bytes) => Lookup(FieldNamesByLength, bytes);

    private static string Lookup(string[][] byLength, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < byLength.Length)
        {
            foreach (var candidate in byLength[bytes.Length])
            {
                if (EqualsAscii(candidate, bytes))
                {
                    return candidate;
                }
            }
        }

        return HttpCharacters.ToLatin1String(bytes);
    }

    private static bool EqualsAscii(string candidate, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (candidate[i] != bytes[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string[][] BucketByLength(string[] values)
    {
        int longest = values.Max(v => v.Length);
        var buckets = new string[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            buckets[length] = [.. values.Where(v => v.Length == length)];
        }

        return buckets;
    }
}
