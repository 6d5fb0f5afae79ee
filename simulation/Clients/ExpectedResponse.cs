namespace Testbed.Simulator.Clients;

/// <summary>How the body of an expected response is delimited on the wire.</summary>
public enum ExpectedFraming
{
    /// <summary>No body on the wire (HEAD, 204, 304), whatever the framing fields say.</summary>
    None,

    ContentLength,

    Chunked,

    /// <summary>No length: the body ends when the server closes (HTTP/1.0 with an unknown length).</summary>
    UntilClose,
}

/// <summary>Whether a response is owed in full, may be cut short by the app's own fault, or must be.</summary>
public enum Completion
{
    /// <summary>A whole, well-formed response.</summary>
    Whole,

    /// <summary>The app breaks it after the head: the connection aborts after at most a prefix of the body.</summary>
    CutShort,

    /// <summary>The app breaks it, but the wire may still look whole (a HEAD, or every declared byte written first).</summary>
    MaybeWhole,
}

/// <summary>
/// What the server owes one request, as the client's oracle computes it before sending: the app's answer put
/// through the engine's framing rules (RFC 9112 §6.3 and the decisions in docs/decisions.md).
/// </summary>
public sealed record ExpectedResponse
{
    public required int Status { get; init; }

    /// <summary>The body as the app writes it (all of it, even when only a prefix is expected to arrive).</summary>
    public byte[] Body { get; init; } = [];

    public ExpectedFraming Framing { get; init; }

    /// <summary>The Content-Length field's value, when one must be sent (also on a HEAD response, which has no body).</summary>
    public long? ContentLength { get; init; }

    /// <summary>Whether the response says <c>Transfer-Encoding: chunked</c> (a HEAD response can say it and carry no body).</summary>
    public bool SaysChunked { get; init; }

    /// <summary>The response must say <c>Connection: close</c>, and nothing may follow it but the server's close.</summary>
    public bool MustClose { get; init; }

    /// <summary>An HTTP/1.0 client that asked to keep the connection is told <c>Connection: keep-alive</c>.</summary>
    public bool SaysKeepAlive { get; init; }

    /// <summary>Fields the app sets, which must arrive as set.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public Completion Completion { get; init; } = Completion.Whole;

    /// <summary>A 100 Continue may come first (HTTP/1.1 with <c>Expect: 100-continue</c>); otherwise no 1xx may.</summary>
    public bool InterimAllowed { get; init; }

    /// <summary>The app reads the whole body before answering (else the engine drains it, or closes while a 100 is owed).</summary>
    public bool AppReadsBody { get; init; } = true;
}
