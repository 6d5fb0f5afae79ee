using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>
/// A connection's <see cref="RequestHead"/> is filled again for every request: what the previous request left
/// must never show through, and what it repeated byte for byte keeps its strings.
/// </summary>
public sealed class HeadReuseSpec
{
    [Fact]
    public void A_repeated_request_keeps_every_string_of_the_one_before()
    {
        var head = new RequestHead();
        Parse(head, "GET /plaintext?x=1 HTTP/1.1\r\nHost: bench\r\nAccept: text/plain\r\n\r\n");
        var (target, path, query) = (head.Target, head.Path, head.QueryString);
        var fields = head.Headers.ToList();

        Parse(head, "GET /plaintext?x=1 HTTP/1.1\r\nHost: bench\r\nAccept: text/plain\r\n\r\n");

        Assert.Same(target, head.Target);
        Assert.Same(path, head.Path);
        Assert.Same(query, head.QueryString);
        Assert.All(fields.Zip(head.Headers), pair =>
        {
            Assert.Same(pair.First.Key, pair.Second.Key);
            Assert.Same(pair.First.Value, pair.Second.Value);
        });
    }

    [Fact]
    public void What_changes_between_requests_is_read_afresh_and_nothing_of_the_previous_one_remains()
    {
        var head = new RequestHead();
        Parse(head, "POST /a?q HTTP/1.1\r\nHost: one\r\nContent-Length: 3\r\nX-Old: 1\r\nExpect: 100-continue\r\n\r\n");

        Parse(head, "GET /b HTTP/1.0\r\nHost: two\r\n\r\n");

        Assert.Equal(("GET", "/b", "/b", string.Empty, HttpVersion.Http10), (head.Method, head.Target, head.Path, head.QueryString, head.Version));
        Assert.Equal([KeyValuePair.Create("Host", "two")], head.Headers.ToList());
        Assert.Null(head.ContentLength);
        Assert.False(head.ExpectContinue);
        Assert.False(head.KeepAlive);
    }

    [Fact]
    public void A_field_that_moved_or_changed_case_gets_its_own_strings()
    {
        var head = new RequestHead();
        Parse(head, "GET / HTTP/1.1\r\nHost: a\r\nX-One: same\r\n\r\n");

        Parse(head, "GET / HTTP/1.1\r\nx-one: same\r\nHost: a\r\n\r\n");

        Assert.Equal([KeyValuePair.Create("x-one", "same"), KeyValuePair.Create("Host", "a")], head.Headers.ToList());
    }

    private static void Parse(RequestHead head, string raw)
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes(raw));
        Assert.True(RequestHeadParser.TryParse(buffer, new ServerLimits(), head, out var consumed));
        Assert.Equal(buffer.End, consumed);
    }
}
