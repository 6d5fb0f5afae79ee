using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>Message framing and the request-smuggling defences (RFC 9112 §6), and Host (RFC 9112 §3.2).</summary>
public sealed class FramingSpec
{
    private const string Post = "POST / HTTP/1.1\r\nHost: a\r\n";

    [Fact]
    public void No_content_length_and_no_transfer_encoding_means_no_body()
    {
        var head = Wire.Parse(Post + "\r\n");

        Assert.Null(head.ContentLength);
        Assert.False(head.IsChunked);
    }

    [Theory]
    [InlineData("Content-Length: 5", 5)]
    [InlineData("Content-Length: 0", 0)]
    [InlineData("Content-Length: 003", 3)]
    [InlineData("Content-Length:  42 ", 42)]
    [InlineData("Content-Length: 5, 5", 5)]
    [InlineData("Content-Length: 5\r\nContent-Length: 5", 5)]
    [InlineData("content-LENGTH: 7", 7)]
    [InlineData("Content-Length: 9223372036854775807", 9223372036854775807)]
    public void Content_length_gives_the_body_length(string fields, long length)
    {
        var head = Wire.Parse(Post + fields + "\r\n\r\n", new ServerLimits { MaxRequestBodySize = null });

        Assert.Equal(length, head.ContentLength);
        Assert.False(head.IsChunked);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5")]
    [InlineData("Content-Length: 0\r\nTransfer-Encoding: chunked")]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding:")]
    public void Content_length_with_transfer_encoding_is_400(string fields) =>
        Assert.Equal(400, Wire.Rejection(Post + fields + "\r\n\r\n"));

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 6")]
    [InlineData("Content-Length: 5, 6")]
    [InlineData("Content-Length: 5\r\nContent-Length: 5, 6")]
    public void Differing_content_lengths_are_400(string fields) =>
        Assert.Equal(400, Wire.Rejection(Post + fields + "\r\n\r\n"));

    [Fact]
    public void Differing_content_lengths_are_400_before_the_head_is_complete() =>
        Assert.Equal(400, Wire.Rejection(Post + "Content-Length: 1\r\nContent-Length: 2\r\n"));

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("0x5")]
    [InlineData("5 5")]
    [InlineData("NaN")]
    [InlineData("5,")]
    [InlineData(",5")]
    [InlineData("1.0")]
    [InlineData("9223372036854775808")]
    [InlineData("1000000000000000000000")]
    public void A_content_length_that_is_not_a_plain_number_is_400(string value) =>
        Assert.Equal(400, Wire.Rejection(Post + $"Content-Length: {value}\r\n\r\n", new ServerLimits { MaxRequestBodySize = null }));

    [Fact]
    public void A_content_length_over_the_body_limit_is_413()
    {
        var limits = new ServerLimits { MaxRequestBodySize = 100 };

        Assert.Equal(100, Wire.Parse(Post + "Content-Length: 100\r\n\r\n", limits).ContentLength);
        Assert.Equal(413, Wire.Rejection(Post + "Content-Length: 101\r\n\r\n", limits));
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: Chunked")]
    [InlineData("Transfer-Encoding: , chunked")]
    [InlineData("Transfer-Encoding:\r\nTransfer-Encoding: chunked")]
    public void Transfer_encoding_chunked_gives_a_chunked_body(string fields)
    {
        var head = Wire.Parse(Post + fields + "\r\n\r\n");

        Assert.True(head.IsChunked);
        Assert.Null(head.ContentLength);
    }

    [Theory]
    [InlineData("Transfer-Encoding: gzip, chunked")]
    [InlineData("Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: chunked, gzip")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip")]
    [InlineData("Transfer-Encoding: chunked, chunked")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: identity")]
    [InlineData("Transfer-Encoding: pigeons")]
    [InlineData("Transfer-Encoding: chunkedchunked")]
    [InlineData("Transfer-Encoding: chunked;q=1")]
    [InlineData("Transfer-Encoding:")]
    public void Any_transfer_encoding_but_a_single_final_chunked_is_400(string fields) =>
        Assert.Equal(400, Wire.Rejection(Post + fields + "\r\n\r\n"));

    [Fact]
    public void Http10_with_transfer_encoding_is_read_as_chunked_and_the_connection_closes()
    {
        var head = Wire.Parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n");

        Assert.True(head.IsChunked);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public void Http10_with_content_length_and_transfer_encoding_is_400() =>
        Assert.Equal(400, Wire.Rejection("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"));

    [Fact]
    public void A_post_without_length_has_no_body_rather_than_411()
    {
        Assert.Null(Wire.Parse("POST / HTTP/1.0\r\n\r\n").ContentLength);
        Assert.Null(Wire.Parse("PUT / HTTP/1.1\r\nHost: a\r\n\r\n").ContentLength);
    }

    [Fact]
    public void Http11_without_host_is_400_and_http10_without_host_is_fine()
    {
        Assert.Equal(400, Wire.Rejection("GET / HTTP/1.1\r\n\r\n"));
        Assert.Equal(400, Wire.Rejection("GET http://example.com/ HTTP/1.1\r\n\r\n"));
        Assert.Equal("/", Wire.Parse("GET / HTTP/1.0\r\n\r\n").Path);
    }

    [Theory]
    [InlineData("Host: a\r\nHost: a")]
    [InlineData("Host: a\r\nhost: b")]
    public void More_than_one_host_is_400(string fields) =>
        Assert.Equal(400, Wire.Rejection($"GET / HTTP/1.1\r\n{fields}\r\n\r\n"));

    [Theory]
    [InlineData("")]
    [InlineData("example.com")]
    [InlineData("example.com:8080")]
    [InlineData("example.com:")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]:443")]
    [InlineData("[v7.fe80::1]")]
    [InlineData("0.0.0.0=5000")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a%2Db")]
    public void Valid_host_values_are_accepted(string host) =>
        Assert.Equal(host, Wire.Parse($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").Headers["Host"]);

    [Theory]
    [InlineData("user@example.com")]
    [InlineData("example.com/")]
    [InlineData("http://example.com")]
    [InlineData("example.com:80a")]
    [InlineData("a b")]
    [InlineData("[::1")]
    [InlineData("[]")]
    [InlineData("[::1]x")]
    [InlineData("a%zz")]
    [InlineData("ex\"ample")]
    public void Invalid_host_values_are_400(string host) =>
        Assert.Equal(400, Wire.Rejection($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
}
