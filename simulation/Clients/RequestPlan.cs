using System.Globalization;
using System.Text;
using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;

namespace Testbed.Simulator.Clients;

/// <summary>
/// One request a simulated client will send, decided before it is sent: what it asks of which app, how its body
/// is framed, and, for a malformed one, how it is broken. <see cref="Head"/> and <see cref="BodyWire"/> are its
/// bytes on the wire.
/// </summary>
public sealed class RequestPlan
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

    public bool IsHead => Method == "HEAD";

    public bool HasBody => ChunkSizes is not null || Body.Length > 0;

    /// <summary>A chunked body, or none at all: where a second Transfer-Encoding cannot conflict with a length.</summary>
    public bool ChunkedOrEmpty => ChunkSizes is not null || (Body.Length == 0 && Method != "POST");

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
        Head = Encoding.Latin1.GetBytes(Malformation?.Break(this, head, limits) ?? head);
        BodyWire = Malformation?.BreakBody(this) ?? EncodeBody();
        return this;
    }

    /// <summary>The head as a well-formed request would have it; a malformation starts from this.</summary>
    public string HeadText()
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{Method} {Target} HTTP/1.{(Http10 ? 0 : 1)}\r\n");
        head.Append("Host: testbed\r\n");
        head.Append(CultureInfo.InvariantCulture, $"X-Request: {Id}\r\n");
        if (ConnectionClose)
        {
            head.Append("Connection: close\r\n");
        }
        else if (KeepAlive10)
        {
            head.Append("Connection: keep-alive\r\n");
        }

        if (ChunkSizes is not null)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        else if (Body.Length > 0 || Method == "POST")
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n");
        }

        if (ExpectContinue)
        {
            head.Append("Expect: 100-continue\r\n");
        }

        return head.Append("\r\n").ToString();
    }

    public override string ToString() => $"{Id} {Method} {Target} HTTP/1.{(Http10 ? 0 : 1)}{(Malformation is null ? string.Empty : " (" + Malformation.Name + ")")}";

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
            wire.Write(Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            wire.Write(Body, offset, size);
            wire.Write("\r\n"u8);
            offset += size;
        }

        wire.Write("0\r\n\r\n"u8);
        return wire.ToArray();
    }
}
