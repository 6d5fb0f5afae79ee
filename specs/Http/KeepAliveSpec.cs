using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>Connection persistence (RFC 9112 §9.3) and 100-continue (RFC 9110 §10.1.1).</summary>
public sealed class KeepAliveSpec
{
    [Theory]
    [InlineData("1.1", null, true)]
    [InlineData("1.1", "keep-alive", true)]
    [InlineData("1.1", "close", false)]
    [InlineData("1.1", "CLOSE", false)]
    [InlineData("1.1", "Upgrade, Close", false)]
    [InlineData("1.1", "close, token, upgrade, token, keep-alive", false)]
    [InlineData("1.1", "closed", true)]
    [InlineData("1.1", "close\t", false)]
    [InlineData("1.0", null, false)]
    [InlineData("1.0", "keep-alive", true)]
    [InlineData("1.0", "Keep-Alive", true)]
    [InlineData("1.0", "foo, keep-alive ,bar", true)]
    [InlineData("1.0", "keep-alive, close", false)]
    [InlineData("1.0", "close", false)]
    [InlineData("1.0", "keep-alive-ish", false)]
    public void Keep_alive_follows_version_and_connection_tokens(string version, string? connection, bool keepAlive)
    {
        string field = connection is null ? "" : $"Connection: {connection}\r\n";

        var head = Wire.Parse($"GET / HTTP/{version}\r\nHost: a\r\n{field}\r\n");

        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void Connection_tokens_across_several_lines_count()
    {
        var head = Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nConnection: close\r\n\r\n");

        Assert.False(head.KeepAlive);
    }

    [Theory]
    [InlineData("1.1", "100-continue", true)]
    [InlineData("1.1", "100-Continue", true)]
    [InlineData("1.1", " 100-continue ", true)]
    [InlineData("1.1", "200-ok", false)]
    [InlineData("1.0", "100-continue", false)]
    public void Expect_continue_is_seen_only_for_http11(string version, string expect, bool expected)
    {
        var head = Wire.Parse($"POST / HTTP/{version}\r\nHost: a\r\nContent-Length: 3\r\nExpect: {expect}\r\n\r\n");

        Assert.Equal(expected, head.ExpectContinue);
    }

    [Fact]
    public void No_expect_field_means_no_continue() =>
        Assert.False(Wire.Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n").ExpectContinue);
}
