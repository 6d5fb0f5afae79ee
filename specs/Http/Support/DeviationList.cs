namespace Testbed.Specs.Http.Support;

/// <summary>
/// The corpus cases whose expectation the server deliberately does not meet, each with the rule that decides
/// it. All are marked disputable in the corpus except five llhttp-strict "none" rows, which fail only for
/// lacking Host; their "-host" twins pass.
/// </summary>
internal static class DeviationList
{
    private const string NoHost =
        "HTTP/1.1 request without Host: 400 (RFC 9112 §3.2 MUST); the llhttp-requests-strict-host twin is the parsing question";

    private const string LaterNoHost =
        "a later pipelined HTTP/1.1 request lacks Host: that one gets 400 (RFC 9112 §3.2)";

    private const string UnknownCoding =
        "Transfer-Encoding with a coding other than chunked: 400, as no other coding is implemented (RFC 9112 §6.1 allows 501/400)";

    private const string Http10Te =
        "HTTP/1.0 with Transfer-Encoding is served and then the connection closes (RFC 9112 §6.1 MUST close), so the next request is never read";

    private const string Asterisk =
        "asterisk-form with a method other than OPTIONS: 400 (RFC 9112 §3.2.4)";

    private const string NotHttp =
        "not an HTTP version (RTSP/1.0, ICE/1.0): 400";

    private const string Http09 =
        "HTTP/0.9-style request line without a version: 400";

    public static IReadOnlyDictionary<string, string> Build() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["kestrel22/Chunked/Http10KeepAliveTransferEncoding"] = Http10Te,
        ["llhttp/connection:36+host"] = LaterNoHost,
        ["llhttp/pipelining:6+host"] = LaterNoHost,
        ["llhttp/transfer-encoding:753+host"] = UnknownCoding,
        ["llhttp/transfer-encoding:795+host"] = UnknownCoding,
        ["llhttp/method:137"] = Asterisk,
        ["llhttp/method:374"] = NotHttp,
        ["llhttp/method:404"] = NotHttp,
        ["llhttp/method:432"] = NotHttp,
        ["llhttp/sample:316"] = Http09,
        ["llhttp/connection:8"] = NoHost,
        ["llhttp/connection:36"] = NoHost,
        ["llhttp/connection:238"] = NoHost,
        ["llhttp/connection:266"] = NoHost,
        ["llhttp/connection:455"] = NoHost,
        ["llhttp/content-length:6"] = NoHost,
        ["llhttp/content-length:43"] = NoHost,
        ["llhttp/content-length:292"] = NoHost,
        ["llhttp/content-length:319"] = NoHost,
        ["llhttp/method:6"] = NoHost,
        ["llhttp/pipelining:6"] = NoHost,
        ["llhttp/sample:8"] = NoHost,
        ["llhttp/sample:46"] = NoHost,
        ["llhttp/sample:170"] = NoHost,
        ["llhttp/sample:198"] = NoHost,
        ["llhttp/sample:221"] = NoHost,
        ["llhttp/sample:293"] = NoHost,
        ["llhttp/sample:480"] = NoHost,
        ["llhttp/sample:510"] = NoHost,
        ["llhttp/sample:540"] = NoHost,
        ["llhttp/transfer-encoding:8"] = NoHost,
        ["llhttp/transfer-encoding:35"] = NoHost,
        ["llhttp/transfer-encoding:72"] = NoHost,
        ["llhttp/transfer-encoding:109"] = NoHost,
        ["llhttp/transfer-encoding:146"] = NoHost,
        ["llhttp/transfer-encoding:188"] = NoHost,
        ["llhttp/transfer-encoding:240"] = NoHost,
        ["llhttp/transfer-encoding:368"] = NoHost,
        ["llhttp/transfer-encoding:753"] = NoHost,
        ["llhttp/transfer-encoding:795"] = NoHost,
        ["llhttp/uri:6"] = NoHost,
        ["llhttp/uri:31"] = NoHost,
        ["llhttp/uri:54"] = NoHost,
        ["llhttp/uri:77"] = NoHost,
        ["llhttp/uri:104"] = NoHost,
        ["llhttp/uri:127"] = NoHost,
        ["llhttp/uri:167"] = NoHost,
        ["llhttp/uri:224"] = NoHost,
    };
}
