using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Testbed.Engine.Connections;
using Testbed.Engine.Http;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>
/// The response head (RFC 9112 §4, §5): status line, Date and Server, the app's fields in order, and no way
/// for an app to split the response. Then <see cref="ResponseFraming.Decide"/>: how the body is delimited
/// (RFC 9112 §6.3) and what the Connection header says.
/// </summary>
public sealed class ResponseHeadSpec
{
    private const string Date = "Sun, 06 Nov 1994 08:49:37 GMT";
    private static readonly ConnectionContext Context = new(
        _ => Task.CompletedTask,
        new ServerLimits(),
        new FixedTime(new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero)),
        new SlabMemoryPool(),
        NullLogger.Instance,
        "Testbed");

    [Fact]
    public void A_head_without_app_fields_is_the_status_line_date_server_and_a_blank_line() =>
        Assert.Equal(
            $"HTTP/1.1 200 OK\r\nDate: {Date}\r\nServer: Testbed\r\n\r\n",
            Head(HttpVersion.Http11, 200, null, new HeaderCollection()));

    [Fact]
    public void An_http10_response_says_so_in_its_status_line() =>
        Assert.StartsWith("HTTP/1.0 200 OK\r\n", Head(HttpVersion.Http10, 200));

    [Theory]
    [InlineData(201, "Created")]
    [InlineData(204, "No Content")]
    [InlineData(304, "Not Modified")]
    [InlineData(404, "Not Found")]
    [InlineData(413, "Content Too Large")]
    [InlineData(500, "Internal Server Error")]
    public void A_known_status_gets_its_reason_phrase(int status, string phrase) =>
        Assert.StartsWith($"HTTP/1.1 {status} {phrase}\r\n", Head(HttpVersion.Http11, status));

    /// <summary>RFC 9112 §4: the reason phrase may be empty, but the space before it is not optional.</summary>
    [Theory]
    [InlineData(299)]
    [InlineData(599)]
    [InlineData(999)]
    public void An_unknown_status_gets_an_empty_reason_phrase(int status) =>
        Assert.StartsWith($"HTTP/1.1 {status} \r\n", Head(HttpVersion.Http11, status));

    [Theory]
    [InlineData("All Good", "HTTP/1.1 200 All Good\r\n")]
    [InlineData("", "HTTP/1.1 200 \r\n")]
    public void A_custom_reason_phrase_replaces_the_standard_one(string phrase, string statusLine) =>
        Assert.StartsWith(statusLine, Head(HttpVersion.Http11, 200, phrase, new HeaderCollection()));

    [Fact]
    public void App_fields_follow_date_and_server_in_the_order_the_app_set_them()
    {
        var headers = new HeaderCollection();
        headers.Append("X-B", "2");
        headers.Append("Set-Cookie", "a=1");
        headers.Append("X-A", "1");
        headers.Append("Set-Cookie", "b=2");

        Assert.Equal(
            $"HTTP/1.1 200 OK\r\nDate: {Date}\r\nServer: Testbed\r\nX-B: 2\r\nSet-Cookie: a=1\r\nX-A: 1\r\nSet-Cookie: b=2\r\n\r\n",
            Head(HttpVersion.Http11, 200, null, headers));
    }

    [Theory]
    [InlineData("Date")]
    [InlineData("date")]
    [InlineData("Server")]
    [InlineData("SERVER")]
    public void A_date_or_server_set_by_the_app_replaces_the_engines_own(string name)
    {
        var headers = new HeaderCollection();
        headers.Append("X-First", "1");
        headers.Append(name, "app");

        var head = Head(HttpVersion.Http11, 200, null, headers);

        Assert.Contains($"\r\nX-First: 1\r\n{name}: app\r\n\r\n", head);
        Assert.Single(head.Split("\r\n"), line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\r\nSet-Cookie: evil=1")]
    [InlineData("a\0b")]
    [InlineData("\r\n")]
    public void A_value_with_cr_lf_or_nul_throws(string value)
    {
        var headers = new HeaderCollection();
        headers.Append("X-Value", value);

        Assert.Throws<InvalidOperationException>(() => Head(HttpVersion.Http11, 200, null, headers));
    }

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    [InlineData("a\u0100b")]
    [InlineData("emoji \ud83d\ude00")]
    public void A_value_with_other_control_characters_or_beyond_latin1_throws(string value)
    {
        var headers = new HeaderCollection();
        headers.Append("X-Value", value);

        Assert.Throws<InvalidOperationException>(() => Head(HttpVersion.Http11, 200, null, headers));
    }

    [Fact]
    public void Obs_text_and_tabs_in_a_value_go_out_as_latin1_bytes()
    {
        var headers = new HeaderCollection();
        headers.Append("X-City", "D\u00fcsseldorf\tNRW");

        var bytes = HeadBytes(HttpVersion.Http11, 200, null, headers);

        Assert.Contains("X-City: D\u00fcsseldorf\tNRW\r\n", Encoding.Latin1.GetString(bytes));
        Assert.Contains((byte)0xFC, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("X Y")]
    [InlineData("X:Y")]
    [InlineData("X-Y:")]
    [InlineData("X\tY")]
    [InlineData("X\r\nSet-Cookie")]
    [InlineData("X\nY")]
    [InlineData("X\0")]
    [InlineData("X(Y)")]
    [InlineData("X\"Y")]
    [InlineData("X/Y")]
    [InlineData("X\u0001")]
    [InlineData("X\u007f")]
    [InlineData("X\u00e9")]
    public void A_bad_field_name_throws(string name)
    {
        var headers = new HeaderCollection();
        headers.Append(name, "v");

        Assert.Throws<InvalidOperationException>(() => Head(HttpVersion.Http11, 200, null, headers));
    }

    [Fact]
    public void Any_token_is_a_field_name()
    {
        var headers = new HeaderCollection();
        headers.Append("X-!#$%&'*+.^_`|~09az", "v");

        Assert.Contains("\r\nX-!#$%&'*+.^_`|~09az: v\r\n", Head(HttpVersion.Http11, 200, null, headers));
    }

    [Theory]
    [InlineData("OK\r\nSet-Cookie: evil=1")]
    [InlineData("OK\r")]
    [InlineData("OK\n")]
    [InlineData("OK\0")]
    public void A_reason_phrase_with_cr_lf_or_nul_throws(string phrase) =>
        Assert.Throws<InvalidOperationException>(() => Head(HttpVersion.Http11, 200, phrase, new HeaderCollection()));

    [Fact]
    public void An_app_that_completes_without_writing_gets_content_length_zero()
    {
        var headers = new HeaderCollection();

        var framing = Decide(Request(), 200, headers, appCompleted: true);

        Assert.Equal(Pairs(("Content-Length", "0")), headers);
        Assert.Equal(0, framing.DeclaredLength);
        Assert.True(framing.KeepAlive);
    }

    [Fact]
    public void A_completed_head_response_declares_no_length()
    {
        var headers = new HeaderCollection();

        var framing = Decide(Request(method: "HEAD"), 200, headers, appCompleted: true);

        Assert.Equal(0, headers.Count);
        Assert.Null(framing.DeclaredLength);
        Assert.False(framing.BodyAllowed);
        Assert.True(framing.KeepAlive);
    }

    [Theory]
    [InlineData(204, true)]
    [InlineData(205, true)]
    [InlineData(304, true)]
    [InlineData(204, false)]
    [InlineData(205, false)]
    [InlineData(304, false)]
    public void A_status_without_a_body_gets_no_framing_fields(int status, bool appCompleted)
    {
        var headers = new HeaderCollection();

        var framing = Decide(Request(), status, headers, appCompleted);

        Assert.Equal(0, headers.Count);
        Assert.False(framing.BodyAllowed);
        Assert.False(framing.AutoChunk);
        Assert.True(framing.KeepAlive);
    }

    [Fact]
    public void An_unknown_length_on_http11_is_chunked_by_the_engine()
    {
        var headers = new HeaderCollection();

        var framing = Decide(Request(), 200, headers, appCompleted: false);

        Assert.Equal(Pairs(("Transfer-Encoding", "chunked")), headers);
        Assert.True(framing.AutoChunk);
        Assert.True(framing.BodyAllowed);
        Assert.True(framing.KeepAlive);
    }

    [Fact]
    public void An_unknown_length_on_http10_is_delimited_by_closing_the_connection()
    {
        var headers = new HeaderCollection();

        var framing = Decide(Request(HttpVersion.Http10), 200, headers, appCompleted: false);

        Assert.Null(headers["Transfer-Encoding"]);
        Assert.Null(headers["Content-Length"]);
        Assert.False(framing.AutoChunk);
        Assert.False(framing.KeepAlive);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_app_content_length_is_kept_and_declared(bool appCompleted)
    {
        var headers = Fields(("Content-Length", "5"));

        var framing = Decide(Request(), 200, headers, appCompleted);

        Assert.Equal(Pairs(("Content-Length", "5")), headers);
        Assert.Equal(5, framing.DeclaredLength);
        Assert.False(framing.AutoChunk);
        Assert.True(framing.KeepAlive);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("5, 5")]
    [InlineData("+5")]
    [InlineData("-0")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("\v5")]
    [InlineData("0x5")]
    [InlineData("99999999999999999999")]
    public void An_app_content_length_that_is_not_a_length_throws(string value) =>
        Assert.Throws<InvalidOperationException>(() =>
            Decide(Request(), 200, Fields(("Content-Length", value)), appCompleted: false));

    [Fact]
    public void An_app_transfer_encoding_removes_content_length()
    {
        var headers = Fields(("Content-Length", "5"), ("Transfer-Encoding", "chunked"));

        var framing = Decide(Request(), 200, headers, appCompleted: false);

        Assert.Equal(Pairs(("Transfer-Encoding", "chunked")), headers);
        Assert.Null(framing.DeclaredLength);
        Assert.True(framing.AutoChunk);
        Assert.True(framing.KeepAlive);
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("gzip, chunked")]
    public void An_app_transfer_encoding_is_never_sent_to_an_http10_client(string value)
    {
        var headers = Fields(("Content-Length", "5"), ("Transfer-Encoding", value));

        var framing = Decide(Request(HttpVersion.Http10), 200, headers, appCompleted: false);

        Assert.Equal(Pairs(("Connection", "close")), headers);
        Assert.False(framing.AutoChunk);
        Assert.Null(framing.DeclaredLength);
        Assert.False(framing.KeepAlive);
    }

    [Fact]
    public void An_app_transfer_encoding_not_ending_in_chunked_is_delimited_by_closing()
    {
        var headers = Fields(("Transfer-Encoding", "gzip"));

        var framing = Decide(Request(), 200, headers, appCompleted: false);

        Assert.False(framing.AutoChunk);
        Assert.False(framing.KeepAlive);
        Assert.Equal("close", headers["Connection"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Keep_alive_off_on_http11_says_connection_close(bool appCompleted)
    {
        var headers = new HeaderCollection();

        var framing = Decide(Request(), 200, headers, appCompleted, keepAlive: false);

        Assert.False(framing.KeepAlive);
        Assert.Equal(["close"], headers.GetValues("Connection"));
    }

    [Fact]
    public void Keep_alive_on_http11_needs_no_connection_field()
    {
        var headers = new HeaderCollection();

        Decide(Request(), 200, headers, appCompleted: true);

        Assert.False(headers.Contains("Connection"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Keep_alive_on_http10_says_connection_keep_alive(bool appCompleted)
    {
        var headers = Fields(("Content-Length", "0"));

        var framing = Decide(Request(HttpVersion.Http10), 200, headers, appCompleted);

        Assert.True(framing.KeepAlive);
        Assert.Equal(["keep-alive"], headers.GetValues("Connection"));
    }

    [Theory]
    [InlineData("close")]
    [InlineData("Close")]
    [InlineData("upgrade, close")]
    public void An_app_connection_close_disables_keep_alive_and_is_sent_once(string value)
    {
        var headers = Fields(("Connection", value));

        var framing = Decide(Request(), 200, headers, appCompleted: true);

        Assert.False(framing.KeepAlive);
        Assert.Equal([value], headers.GetValues("Connection"));
    }

    [Fact]
    public void An_app_connection_keep_alive_cannot_override_keep_alive_off()
    {
        var headers = Fields(("Connection", "keep-alive"));

        var framing = Decide(Request(), 200, headers, appCompleted: true, keepAlive: false);

        Assert.False(framing.KeepAlive);
        Assert.Equal(["close"], headers.GetValues("Connection"));
    }

    private static ResponseFraming Decide(RequestHead request, int status, HeaderCollection headers, bool appCompleted, bool keepAlive = true) =>
        ResponseFraming.Decide(request, status, headers, keepAlive, appCompleted);

    private static HeaderCollection Fields(params (string Name, string Value)[] fields)
    {
        var headers = new HeaderCollection();
        foreach (var (name, value) in fields)
        {
            headers.Append(name, value);
        }

        return headers;
    }

    private static List<KeyValuePair<string, string>> Pairs(params (string Name, string Value)[] fields) =>
        [.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))];

    private static RequestHead Request(HttpVersion version = HttpVersion.Http11, string method = "GET") =>
        Wire.Parse($"{method} / {(version == HttpVersion.Http11 ? "HTTP/1.1" : "HTTP/1.0")}\r\nHost: spec\r\n\r\n");

    private static string Head(HttpVersion version, int status) => Head(version, status, null, new HeaderCollection());

    private static string Head(HttpVersion version, int status, string? reasonPhrase, HeaderCollection headers) =>
        Encoding.Latin1.GetString(HeadBytes(version, status, reasonPhrase, headers));

    private static byte[] HeadBytes(HttpVersion version, int status, string? reasonPhrase, HeaderCollection headers)
    {
        var head = ResponseHeadWriter.Prepare(version, status, reasonPhrase, headers, Context);
        var bytes = new byte[head.Length];
        ResponseHeadWriter.Write(bytes, head);
        return bytes;
    }

    /// <summary>A clock stopped at one instant, so the Date header is exact.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
