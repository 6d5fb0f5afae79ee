using System.Globalization;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>Header values with obs-text (bytes 0x80–0xFF) over a real socket: served, and seen by the app as Latin-1.</summary>
public sealed class ObsTextSpecs
{
    [Theory]
    [InlineData("caf\xe9", "63 61 66 e9")]                   // Latin-1 é: not UTF-8
    [InlineData("D\xc3\xbcsseldorf", "44 c3 bc 73 73 65 6c 64 6f 72 66")]
    [InlineData("\x80\xff", "80 ff")]
    public async Task A_header_value_with_obs_text_gets_200_and_reaches_the_app_byte_for_byte(string latin1, string codes)
    {
        await using var server = await LiveServer.StartAsync(context =>
            Respond.TextAsync(context, string.Join(' ', context.Request.Headers["X-Name"]!.Select(c => ((int)c).ToString("x2", CultureInfo.InvariantCulture)))));
        using var connection = await server.ConnectAsync();

        await connection.SendAsync($"GET / HTTP/1.1\r\nHost: a\r\nX-Name: {latin1}\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal(codes, response.BodyText);
        server.Log.AssertNoErrors();
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\x7f")]
    [InlineData("a\x01")]
    public async Task A_header_value_with_nul_del_or_another_control_character_is_still_400(string latin1)
    {
        await using var server = await LiveServer.StartAsync(context => Respond.TextAsync(context, "should not run"));
        using var connection = await server.ConnectAsync();

        await connection.SendAsync($"GET / HTTP/1.1\r\nHost: a\r\nX-Name: {latin1}\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(400, response.Status);
        Assert.Equal("close", response.Header("Connection"));
    }
}
