using System.Text;
using Testbed.Engine.Infrastructure;

namespace Testbed.Simulator.Clients;

/// <summary>
/// One way a request can be broken on purpose, and the status the server owes it (RFC 9112; the engine's
/// decisions for what the RFC leaves open). The server must answer with that status, <c>Connection: close</c>
/// and no body, then close: nothing sent after it on the connection is served.
/// </summary>
public sealed class Malformation
{
    private readonly Func<RequestPlan, string, ServerLimits, string> _breakHead;
    private readonly Func<RequestPlan, byte[]>? _breakBody;

    private readonly Func<RequestPlan, ServerLimits, bool> _applies;

    private Malformation(string name, int status, Func<RequestPlan, string, ServerLimits, string> breakHead, Func<RequestPlan, byte[]>? breakBody = null, Func<RequestPlan, ServerLimits, bool>? applies = null)
    {
        Name = name;
        Status = status;
        _breakHead = breakHead;
        _breakBody = breakBody;
        _applies = applies ?? ((_, _) => true);
    }

    public string Name { get; }

    /// <summary>The status the server must answer with.</summary>
    public int Status { get; }

    /// <summary>Every kind, in the order a draw picks from.</summary>
    public static IReadOnlyList<Malformation> All { get; } =
    [
        new("missing-host", 400, (_, head, _) => head.Replace("Host: testbed\r\n", string.Empty, StringComparison.Ordinal), applies: (r, _) => !r.Http10 && !r.AbsoluteForm),
        new("two-hosts", 400, (_, head, _) => head.Replace("Host: testbed\r\n", "Host: testbed\r\nHost: other\r\n", StringComparison.Ordinal), applies: (r, _) => !r.AbsoluteForm),
        new("space-before-colon", 400, (_, head, _) => head.Replace("Host: testbed", "Host : testbed", StringComparison.Ordinal)),
        new("garbage-line", 400, (_, head, _) => InsertField(head, "this is not a header field")),
        new("bare-lf", 400, (_, head, _) => head.Replace("Host: testbed\r\n", "Host: testbed\n", StringComparison.Ordinal)),
        new("version-2", 505, (r, head, _) => head.Replace(r.Http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n", " HTTP/2.0\r\n", StringComparison.Ordinal)),
        new("unknown-coding", 400, (_, head, _) => InsertField(head, "Transfer-Encoding: gzip"), applies: (r, _) => r.ChunkedOrEmpty),
        new("two-lengths", 400, (r, head, _) => InsertField(head, $"Content-Length: {r.Body.Length + 1}"), applies: (r, _) => r.ChunkSizes is null && (r.Body.Length > 0 || r.Method is "POST" or "PUT")),
        new("length-and-chunked", 400, (r, head, _) => InsertField(head, "Transfer-Encoding: chunked"), applies: (r, _) => r.ChunkSizes is null && r.Body.Length > 0),
        new("long-target", 414, (r, _, limits) => r.With(padLineTo: limits.MaxRequestLineSize + 1)),
        new("huge-header", 431, (r, _, limits) => r.With(padHeadersTo: limits.MaxRequestHeadersTotalSize + 1)),
        new("body-too-large", 413, (r, head, limits) => head.Replace($"Content-Length: {r.Body.Length}\r\n", $"Content-Length: {limits.MaxRequestBodySize + 1}\r\n", StringComparison.Ordinal), applies: (r, limits) => limits.MaxRequestBodySize is not null && r.ChunkSizes is null && r.Method is "POST" or "PUT"),
        new("bad-chunk-size", 400, (_, head, _) => head, BadChunkSize, applies: (r, _) => r.ChunkSizes is not null && r.App.Answer(r).ReadsBody),
    ];

    /// <summary>Whether this kind can break <paramref name="request"/> (a missing Host is no fault in HTTP/1.0).</summary>
    /// <remarks>A limit is broken by exactly one byte, where an off-by-one in the parser shows.</remarks>
    public bool AppliesTo(RequestPlan request, ServerLimits limits) => _applies(request, limits);

    /// <summary>The broken head; <paramref name="limits"/> say how long "too long" is.</summary>
    internal string Break(RequestPlan request, string head, ServerLimits limits) => _breakHead(request, head, limits);

    internal byte[]? BreakBody(RequestPlan request) => _breakBody?.Invoke(request);

    public override string ToString() => Name;

    /// <summary>Adds a field line just before the empty line that ends the head.</summary>
    private static string InsertField(string head, string field) => head[..^2] + field + "\r\n\r\n";

    /// <summary>A chunked body whose first size line is not hexadecimal.</summary>
    private static byte[] BadChunkSize(RequestPlan request) => Encoding.ASCII.GetBytes("zz\r\n" + new string('x', 4) + "\r\n0\r\n\r\n");
}
