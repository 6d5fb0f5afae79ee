using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>Request line (414), header section size and count (431), at and around each boundary.</summary>
public sealed class LimitsSpec
{
    private static readonly ServerLimits Small = new()
    {
        MaxRequestLineSize = 32,
        MaxRequestHeadersTotalSize = 64,
        MaxRequestHeaderCount = 3,
    };

    /// <summary>A request line of exactly <paramref name="length"/> bytes, CRLF included.</summary>
    private static string RequestLine(int length) => "GET /" + new string('a', length - 16) + " HTTP/1.1\r\n";

    [Fact]
    public void A_request_line_at_the_limit_is_accepted_and_one_byte_more_is_414()
    {
        Assert.Equal(32, RequestLine(32).Length);
        Assert.Equal(HttpVersion.Http11, Wire.Parse(RequestLine(32) + "Host: a\r\n\r\n", Small).Version);
        Assert.Equal(414, Wire.Rejection(RequestLine(33) + "Host: a\r\n\r\n", Small));
        Assert.Equal(HttpVersion.Http11, Wire.Parse(RequestLine(31) + "Host: a\r\n\r\n", Small).Version);
    }

    [Fact]
    public void An_unfinished_request_line_is_414_once_it_cannot_fit()
    {
        // limit - 1 bytes without LF: the next byte may still be the LF that makes exactly the limit.
        Assert.True(Wire.IsIncomplete(RequestLine(32)[..^1], Small));
        Assert.Equal(414, Wire.Rejection(RequestLine(33)[..^1], Small));
        Assert.Equal(414, Wire.Rejection(new string('A', 32), Small));
        Assert.True(Wire.IsIncomplete(new string('A', 31), Small));
    }

    [Fact]
    public void The_414_holds_when_the_line_arrives_one_byte_per_segment()
    {
        var bytes = Wire.Bytes(new string('A', 40));

        var error = Assert.Throws<BadHttpRequestException>(() =>
            RequestHeadParser.TryParse(Segments.ByteByByte(bytes), Small, new RequestHead(), out _));

        Assert.Equal(414, error.StatusCode);
    }

    /// <summary>A header section (from the first field line through the final CRLF) of exactly <paramref name="size"/> bytes.</summary>
    private static string Section(int size) => "Host: a\r\nX: " + new string('v', size - 16) + "\r\n\r\n";

    [Fact]
    public void A_header_section_at_the_limit_is_accepted_and_one_byte_more_is_431()
    {
        Assert.Equal(64, Section(64).Length);
        Assert.Equal(2, Wire.Parse("GET / HTTP/1.1\r\n" + Section(64), Small).Headers.Count);
        Assert.Equal(431, Wire.Rejection("GET / HTTP/1.1\r\n" + Section(65), Small));
    }

    [Fact]
    public void An_unfinished_header_section_is_431_once_it_cannot_fit()
    {
        Assert.True(Wire.IsIncomplete("GET / HTTP/1.1\r\n" + Section(64)[..^1], Small));
        Assert.Equal(431, Wire.Rejection("GET / HTTP/1.1\r\n" + Section(65)[..^1], Small));
        Assert.Equal(431, Wire.Rejection("GET / HTTP/1.1\r\nHost: a\r\nX: " + new string('v', 100), Small));
    }

    [Fact]
    public void The_431_holds_for_a_buffer_far_larger_than_the_limits_in_many_segments()
    {
        var lines = string.Concat(Enumerable.Range(0, 5000).Select(i => $"X-{i}: {i}\r\n"));
        var bytes = Wire.Bytes("GET / HTTP/1.1\r\nHost: a\r\n" + lines);
        var sequence = Segments.SplitAt(bytes, [.. Enumerable.Range(1, (bytes.Length - 1) / 1000).Select(i => i * 1000)]);

        var error = Assert.Throws<BadHttpRequestException>(() =>
            RequestHeadParser.TryParse(sequence, new ServerLimits(), new RequestHead(), out _));

        Assert.Equal(431, error.StatusCode);
    }

    [Fact]
    public void Header_count_at_the_limit_is_accepted_and_one_more_is_431()
    {
        Assert.Equal(3, Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", Small).Headers.Count);
        Assert.Equal(431, Wire.Rejection("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", Small));
    }

    [Fact]
    public void Too_many_headers_is_431_before_the_head_ends() =>
        Assert.Equal(431, Wire.Rejection("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n", Small));
}
