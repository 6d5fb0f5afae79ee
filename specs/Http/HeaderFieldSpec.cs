using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>Header field lines (RFC 9112 §5, RFC 9110 §5.5).</summary>
public sealed class HeaderFieldSpec
{
    [Fact]
    public void Values_lose_surrounding_whitespace_and_keep_inner_whitespace()
    {
        var head = Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nX-A:\t  one \t two\t \r\nX-B:\r\nX-C:   \r\n\r\n");

        Assert.Equal("one \t two", head.Headers["X-A"]);
        Assert.Equal("", head.Headers["x-b"]);
        Assert.Equal("", head.Headers["X-C"]);
    }

    [Fact]
    public void Field_order_and_repeated_names_are_kept()
    {
        var head = Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nA: 2\r\nb: 3\r\n\r\n");

        Assert.Equal(["Host", "B", "A", "b"], head.Headers.Select(f => f.Key));
        Assert.Equal(["1", "3"], head.Headers.GetValues("B"));
    }

    [Fact]
    public void Common_field_names_are_interned()
    {
        var head = Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\n\r\n");

        Assert.Same("User-Agent", head.Headers.Last().Key);
    }

    [Fact]
    public void Utf8_obs_text_survives_byte_for_byte_as_latin1()
    {
        var head = Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nTest: D\xc3\xbcsseldorf\r\n\r\n");

        Assert.Equal("D\u00c3\u00bcsseldorf", head.Headers["Test"]);
    }

    [Theory]
    [InlineData("X: valu\x80", "valu\u0080")]
    [InlineData("X: caf\xe9", "caf\u00e9")]
    [InlineData("X: \xff\xfe", "\u00ff\u00fe")]
    [InlineData("X: \xc3", "\u00c3")]
    public void Obs_text_that_is_not_utf8_is_accepted_as_opaque_bytes_seen_as_latin1(string line, string value) =>
        Assert.Equal(value, Wire.Parse($"GET / HTTP/1.1\r\nHost: a\r\n{line}\r\n\r\n").Headers["X"]);

    [Theory]
    [InlineData("X: a\0b")]
    [InlineData("X: a\rb")]
    [InlineData("X: a\fb")]
    [InlineData("X: a\x7f")]
    [InlineData("X: a\x1b")]
    [InlineData("X:\0")]
    public void Ctl_nul_and_bare_cr_in_values_are_400(string line) =>
        Assert.Equal(400, Wire.Rejection($"GET / HTTP/1.1\r\nHost: a\r\n{line}\r\n\r\n"));

    [Fact]
    public void Htab_inside_a_value_is_allowed() =>
        Assert.Equal("a\tb", Wire.Parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n").Headers["X"]);

    [Theory]
    [InlineData("X : v")]
    [InlineData("X\t: v")]
    [InlineData("X\r: v")]
    [InlineData("X Y: v")]
    [InlineData(": v")]
    [InlineData("NoColon")]
    [InlineData("Fo@: v")]
    [InlineData("H\u00ebader: v")]
    [InlineData("Hea\0der: v")]
    public void Malformed_field_names_are_400(string line) =>
        Assert.Equal(400, Wire.Rejection($"GET / HTTP/1.1\r\nHost: a\r\n{line}\r\n\r\n"));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: line1\r\n line2\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: line1\r\n\tline2\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n Host: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n Content-Length: 5")]
    public void Obs_fold_and_leading_whitespace_are_400_even_before_the_line_ends(string raw) =>
        Assert.Equal(400, Wire.Rejection(raw));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: 1\n\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: 1\rY: 2\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\rX")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: 1\rY")]
    public void Bare_lf_and_bare_cr_between_fields_are_400_even_before_the_head_ends(string raw) =>
        Assert.Equal(400, Wire.Rejection(raw));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: partial")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: partial\r")]
    public void A_head_without_its_empty_line_waits_for_more(string raw) =>
        Assert.True(Wire.IsIncomplete(raw));
}
