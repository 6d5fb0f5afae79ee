using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>Request line (RFC 9112 §3): method, the four target forms, version, line endings.</summary>
public sealed class RequestLineSpec
{
    [Fact]
    public void Origin_form_splits_path_and_query_and_drops_the_fragment()
    {
        var head = Wire.Parse("GET /a/b%20c?x=1&y=2#frag HTTP/1.1\r\nHost: example.com\r\n\r\n");

        Assert.Equal("GET", head.Method);
        Assert.Equal("/a/b%20c?x=1&y=2#frag", head.Target);
        Assert.Equal("/a/b%20c", head.Path);
        Assert.Equal("?x=1&y=2", head.QueryString);
        Assert.Equal(HttpVersion.Http11, head.Version);
    }

    [Fact]
    public void Origin_form_without_query_has_an_empty_query_string()
    {
        var head = Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal("/", head.Path);
        Assert.Equal("", head.QueryString);
    }

    [Theory]
    [InlineData("http://example.com/p/q?z=9", "/p/q", "?z=9")]
    [InlineData("HTTPS://example.com:8443/p", "/p", "")]
    [InlineData("http://hypnotoad.org?hail=all", "/", "?hail=all")]
    [InlineData("http://hypnotoad.org:1234", "/", "")]
    [InlineData("http://user:pw@example.com/x", "/x", "")]
    public void Absolute_form_takes_path_and_query_from_the_uri(string target, string path, string query)
    {
        var head = Wire.Parse($"GET {target} HTTP/1.1\r\nHost: ignored.example\r\n\r\n");

        Assert.Equal(target, head.Target);
        Assert.Equal(path, head.Path);
        Assert.Equal(query, head.QueryString);
    }

    [Theory]
    [InlineData("ftp://example.com/")]
    [InlineData("http:///nohost")]
    [InlineData("http://:80/")]
    [InlineData("http://exa mple.com/")]
    [InlineData("example.com/path")]
    public void Absolute_form_with_another_scheme_or_no_host_is_400(string target) =>
        Assert.Equal(400, Wire.Rejection($"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n"));

    [Fact]
    public void Absolute_form_ignores_the_host_field_value()
    {
        var head = Wire.Parse("GET http://contoso.com/ HTTP/1.1\r\nHost: user@not valid/\r\n\r\n");

        Assert.Equal("/", head.Path);
    }

    [Fact]
    public void Authority_form_is_accepted_only_for_connect()
    {
        var head = Wire.Parse("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

        Assert.Equal("example.com:443", head.Target);
        Assert.Equal("", head.Path);
        Assert.Equal(400, Wire.Rejection("GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.Equal(400, Wire.Rejection("CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.Equal(400, Wire.Rejection("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    [Fact]
    public void Asterisk_form_is_accepted_only_for_options()
    {
        var head = Wire.Parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal("*", head.Path);
        Assert.Equal(400, Wire.Rejection("GET * HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.Equal(400, Wire.Rejection("PRI * HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.Equal(400, Wire.Rejection("OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("M-SEARCH")]
    [InlineData("X_CUSTOM.1")]
    [InlineData("get")]
    public void Any_token_is_a_method(string method) =>
        Assert.Equal(method, Wire.Parse($"{method} / HTTP/1.1\r\nHost: a\r\n\r\n").Method);

    [Fact]
    public void Common_methods_are_interned()
    {
        var head = Wire.Parse("DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Same("DELETE", head.Method);
    }

    [Theory]
    [InlineData("GET  / HTTP/1.1")]
    [InlineData("GET /  HTTP/1.1")]
    [InlineData(" GET / HTTP/1.1")]
    [InlineData("GET\t/ HTTP/1.1")]
    [InlineData("GET / HTTP/1.1 ")]
    [InlineData("GET /")]
    [InlineData("GET / ")]
    [InlineData("GET/ HTTP/1.1")]
    [InlineData("G@T / HTTP/1.1")]
    [InlineData("GET /a b HTTP/1.1")]
    [InlineData("GET %2F HTTP/1.1")]
    [InlineData("GET /\x7f HTTP/1.1")]
    [InlineData("GET /\x80 HTTP/1.1")]
    [InlineData("GET /\x00 HTTP/1.1")]
    [InlineData("GET /%00 HTTP/1.1")]
    [InlineData("GET /a%00b?q HTTP/1.1")]
    [InlineData("\x00GET / HTTP/1.1")]
    public void Malformed_request_lines_are_400(string line) =>
        Assert.Equal(400, Wire.Rejection(line + "\r\nHost: a\r\n\r\n"));

    [Fact]
    public void An_encoded_nul_in_the_query_is_left_to_the_application() =>
        Assert.Equal("?a=%00", Wire.Parse("GET /x?a=%00 HTTP/1.1\r\nHost: a\r\n\r\n").QueryString);

    [Theory]
    [InlineData("HTTP/1.2", 505)]
    [InlineData("HTTP/2.0", 505)]
    [InlineData("HTTP/0.9", 505)]
    [InlineData("HTTP/1.1a", 400)]
    [InlineData("http/1.1", 400)]
    [InlineData("HTTP/1", 400)]
    [InlineData("HTTP/1.", 400)]
    [InlineData("HTTP/11.1", 400)]
    [InlineData("RTSP/1.0", 400)]
    [InlineData("HTTP/a.b", 400)]
    public void Versions_other_than_1_0_and_1_1_are_505_when_well_formed_else_400(string version, int status) =>
        Assert.Equal(status, Wire.Rejection($"GET / {version}\r\nHost: a\r\n\r\n"));

    [Fact]
    public void The_request_line_is_judged_before_the_headers_arrive()
    {
        Assert.Equal(505, Wire.Rejection("GET / HTTP/1.2\r\n"));
        Assert.Equal(400, Wire.Rejection("GET * HTTP/1.1\r\nHost: a"));
    }

    [Fact]
    public void Http10_is_parsed()
    {
        var head = Wire.Parse("GET / HTTP/1.0\r\n\r\n");

        Assert.Equal(HttpVersion.Http10, head.Version);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r\n\r\n")]
    [InlineData("\r\n\r\n\r\n\r\n")]
    public void Empty_lines_before_the_request_line_are_skipped(string prefix)
    {
        var head = Wire.Parse(prefix + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal("/x", head.Path);
    }

    [Fact]
    public void Only_empty_lines_or_a_lone_cr_wait_for_more()
    {
        Assert.True(Wire.IsIncomplete(""));
        Assert.True(Wire.IsIncomplete("\r"));
        Assert.True(Wire.IsIncomplete("\r\n\r\n"));
        Assert.True(Wire.IsIncomplete("GET / HTTP/1.1\r"));
    }

    [Fact]
    public void Empty_lines_beyond_the_request_line_limit_are_400()
    {
        var limits = new ServerLimits { MaxRequestLineSize = 16 };

        Assert.True(Wire.IsIncomplete(string.Concat(Enumerable.Repeat("\r\n", 8)), limits));
        Assert.Equal(400, Wire.Rejection(string.Concat(Enumerable.Repeat("\r\n", 9)), limits));
    }

    [Theory]
    [InlineData("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\rHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\r\n")]
    [InlineData("GET / HTTP/1.1\rX")]
    public void Bare_lf_and_bare_cr_in_the_request_line_are_400(string raw) =>
        Assert.Equal(400, Wire.Rejection(raw));

    [Fact]
    public void Consumed_stops_at_the_end_of_the_head_leaving_the_body_and_next_request()
    {
        var bytes = Wire.Bytes("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n");
        var buffer = new ReadOnlySequence<byte>(bytes);

        var head = new RequestHead();
        Assert.True(RequestHeadParser.TryParse(buffer, new ServerLimits(), head, out var consumed));
        Assert.Equal(3, head.ContentLength);
        Assert.Equal("abcGET /b HTTP/1.1\r\n", System.Text.Encoding.Latin1.GetString(buffer.Slice(consumed).ToArray()));
    }

    [Fact]
    public void A_head_spread_over_many_segments_parses_like_a_contiguous_one()
    {
        var bytes = Wire.Bytes("GET /x?y HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\r\nNEXT");
        var contiguous = new ReadOnlySequence<byte>(bytes);
        var expected = new RequestHead();
        Assert.True(RequestHeadParser.TryParse(contiguous, new ServerLimits(), expected, out var end));
        long headLength = contiguous.Slice(0, end).Length;

        foreach (var sequence in new[] { Segments.ByteByByte(bytes), Segments.SplitAt(bytes, 3, 20, 30) })
        {
            var head = new RequestHead();
            Assert.True(RequestHeadParser.TryParse(sequence, new ServerLimits(), head, out var consumed));
            Assert.Equal(headLength, sequence.Slice(0, consumed).Length);
            Assert.Equal((expected.Method, expected.Target, expected.Path, expected.QueryString), (head.Method, head.Target, head.Path, head.QueryString));
            Assert.Equal(expected.Headers.ToList(), head.Headers.ToList());
        }
    }

    [Theory]
    [InlineData("\u0016\u0003\u0001\u0000\u00a5\u0001")]
    [InlineData("GE(T")]
    [InlineData(" GET")]
    [InlineData("G\u0000")]
    public void A_method_that_is_already_wrong_is_rejected_before_the_line_ends(string partial)
    {
        Assert.Equal(400, Wire.Rejection(partial));
    }

    [Theory]
    [InlineData("G")]
    [InlineData("GET")]
    [InlineData("GET\r")]
    [InlineData("M-SEARCH /x")]
    public void A_method_that_may_still_be_right_waits_for_the_rest(string partial)
    {
        Assert.True(Wire.IsIncomplete(partial));
    }
}
