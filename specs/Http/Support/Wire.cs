using System.Buffers;
using System.Text;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Specs.Http.Support;

/// <summary>Small helpers so that a spec reads as the bytes on the wire and the answer expected.</summary>
internal static class Wire
{
    /// <summary>Each char becomes one byte (Latin-1), so "\x80" in a literal is the byte 0x80.</summary>
    public static byte[] Bytes(string raw) => Encoding.Latin1.GetBytes(raw);

    public static RequestHead Parse(string raw, ServerLimits? limits = null)
    {
        var buffer = new ReadOnlySequence<byte>(Bytes(raw));
        var head = new RequestHead();
        Assert.True(RequestHeadParser.TryParse(buffer, limits ?? new ServerLimits(), head, out var consumed), "head incomplete");
        Assert.Equal(buffer.End, consumed);
        return head;
    }

    /// <summary>The status of the <see cref="BadHttpRequestException"/> the head parser throws.</summary>
    public static int Rejection(string raw, ServerLimits? limits = null) =>
        Assert.Throws<BadHttpRequestException>(() =>
            RequestHeadParser.TryParse(new ReadOnlySequence<byte>(Bytes(raw)), limits ?? new ServerLimits(), new RequestHead(), out _)).StatusCode;

    public static bool IsIncomplete(string raw, ServerLimits? limits = null)
    {
        var buffer = new ReadOnlySequence<byte>(Bytes(raw));
        bool parsed = RequestHeadParser.TryParse(buffer, limits ?? new ServerLimits(), new RequestHead(), out var consumed);
        if (!parsed)
        {
            Assert.Equal(buffer.Start, consumed);
        }

        return !parsed;
    }

    /// <summary>Decodes a whole chunked body given in one piece; returns the payload and the bytes left over.</summary>
    public static (string Payload, string Leftover, ChunkedDecoder Decoder) Dechunk(string raw, ServerLimits? limits = null, int destinationSize = 4096)
    {
        var decoder = new ChunkedDecoder(limits ?? new ServerLimits());
        var input = new ReadOnlySequence<byte>(Bytes(raw));
        var payload = new List<byte>();
        var destination = new byte[destinationSize];
        while (true)
        {
            int written = decoder.Decode(input, destination, out var consumed);
            payload.AddRange(destination.AsSpan(0, written).ToArray());
            input = input.Slice(consumed);
            if (decoder.IsComplete || written < destination.Length)
            {
                break;
            }
        }

        return (Encoding.Latin1.GetString([.. payload]), Encoding.Latin1.GetString(input.ToArray()), decoder);
    }

    public static int DechunkRejection(string raw, ServerLimits? limits = null) =>
        Assert.Throws<BadHttpRequestException>(() => Dechunk(raw, limits)).StatusCode;
}
