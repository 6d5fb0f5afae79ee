using System.Text;
using Testbed.Simulator.Clients;

namespace Testbed.Specs.Mock;

/// <summary>The simulated clients' response parser, copying and in place.</summary>
public sealed class ResponseReaderSpecs
{
    private static readonly byte[] Sized = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT");
    private static readonly byte[] Chunked = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\nNEXT");

    [Fact]
    public void In_place_a_sized_body_is_the_slice_of_the_wire_it_arrived_in()
    {
        Assert.True(ResponseReader.TryReadInPlace(Sized, headRequest: false, out var head, out var body, out var consumed));

        Assert.Equal(200, head!.Status);
        Assert.Empty(head.Body);
        Assert.Equal("hello", Encoding.ASCII.GetString(body));
        Assert.True(body.Overlaps(Sized));
        Assert.Equal(Sized.Length - "NEXT".Length, consumed);
    }

    [Fact]
    public void In_place_a_chunked_body_is_decoded()
    {
        Assert.True(ResponseReader.TryReadInPlace(Chunked, headRequest: false, out _, out var body, out var consumed));

        Assert.Equal("hello", Encoding.ASCII.GetString(body));
        Assert.Equal(Chunked.Length - "NEXT".Length, consumed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Copying_and_in_place_agree_and_both_wait_for_the_whole_body(bool chunked)
    {
        var wire = chunked ? Chunked : Sized;
        Assert.True(ResponseReader.TryRead(wire, headRequest: false, out var response, out var consumed));
        Assert.True(ResponseReader.TryReadInPlace(wire, headRequest: false, out _, out var body, out var consumedInPlace));
        Assert.Equal(response!.Body, body.ToArray());
        Assert.Equal(consumed, consumedInPlace);

        var cut = wire.AsSpan(0, consumed - 1);
        Assert.False(ResponseReader.TryRead(cut, headRequest: false, out _, out _));
        Assert.False(ResponseReader.TryReadInPlace(cut, headRequest: false, out _, out _, out _));
    }
}
