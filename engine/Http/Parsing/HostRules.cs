namespace Testbed.Engine.Http.Parsing;

/// <summary>
/// Syntax of <c>uri-host [ ":" port ]</c> (RFC 9110 §7.2, RFC 3986 §3.2.2–3.2.3), shared by the Host field,
/// the authority of an absolute-form target and the authority-form of CONNECT.
/// </summary>
internal static class HostRules
{
    /// <summary>
    /// True for <c>host [ ":" port ]</c>. An empty value is valid for the Host field (RFC 9110 §7.2: a
    /// target without authority is sent with an empty Host); callers that need a host check for that.
    /// </summary>
    public static bool IsValidHostAndPort(ReadOnlySpan<byte> value, bool requirePort)
    {
        ReadOnlySpan<byte> host;
        ReadOnlySpan<byte> rest;
        if (!value.IsEmpty && value[0] == (byte)'[')
        {
            int close = value.IndexOf((byte)']');
            if (close < 0 || !HttpCharacters.IsIpLiteralContent(value[1..close]))
            {
                return false;
            }

            host = value[..(close + 1)];
            rest = value[(close + 1)..];
        }
        else
        {
            int colon = value.IndexOf((byte)':');
            host = colon < 0 ? value : value[..colon];
            rest = colon < 0 ? [] : value[colon..];
            if (!HttpCharacters.IsRegName(host))
            {
                return false;
            }
        }

        if (rest.IsEmpty)
        {
            return !requirePort;
        }

        // port = *DIGIT (RFC 3986 §3.2.3): "host:" is valid unless a port is required.
        if (rest[0] != (byte)':')
        {
            return false;
        }

        var port = rest[1..];
        return requirePort ? HttpCharacters.IsDigits(port) : port.IsEmpty || HttpCharacters.IsDigits(port);
    }

    /// <summary>
    /// The authority of an absolute-form target: <c>[ userinfo "@" ] host [ ":" port ]</c> with a non-empty
    /// host (RFC 9110 §4.2.1). Userinfo is tolerated: the server ignores the authority for routing, and the
    /// llhttp corpus expects such targets to be served.
    /// </summary>
    public static bool IsValidAbsoluteAuthority(ReadOnlySpan<byte> authority)
    {
        int at = authority.LastIndexOf((byte)'@');
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        if (hostPort.IsEmpty || hostPort[0] == (byte)':')
        {
            return false;
        }

        return IsValidHostAndPort(hostPort, requirePort: false);
    }
}
