using System.Net.Http.Headers;
using System.Text;
using Testbed.Engine.App;
using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>Large responses and request bodies, Content-Length and chunked, through real clients.</summary>
public sealed class LargeBodySpecs
{
    private const int OneMegabyte = 1024 * 1024;

    [Fact]
    public async Task A_one_megabyte_response_arrives_whole()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var client = server.CreateHttpClient();

        using var response = await client.GetAsync($"/bytes/{OneMegabyte}");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(OneMegabyte, response.Content.Headers.ContentLength);
        Assert.Equal(OneMegabyte, body.Length);
        Assert.True(body.All(b => b == 'x'), "every byte is 'x'");
    }

    [Fact]
    public async Task A_one_megabyte_chunked_response_of_uneven_writes_arrives_byte_exact()
    {
        var expected = Pattern(OneMegabyte);
        await using var server = await LiveServer.StartAsync(async context =>
        {
            // Writes of every size from 1 byte to over a slab block and over the output budget.
            for (int offset = 0, size = 1; offset < expected.Length; offset += size, size = (size * 7 % 100_003) + 1)
            {
                size = Math.Min(size, expected.Length - offset);
                await context.Response.WriteAsync(expected.AsMemory(offset, size));
            }
        });
        using var client = server.CreateHttpClient();

        using var response = await client.GetAsync("/");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task A_content_length_upload_is_echoed_with_the_same_length()
    {
        var upload = Pattern(100_000);
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var client = server.CreateHttpClient();

        using var response = await client.PostAsync("/echo", new ByteArrayContent(upload));

        Assert.Equal(upload.Length, response.Content.Headers.ContentLength);
        Assert.Equal(upload, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_small_chunked_upload_is_echoed_with_a_content_length()
    {
        var upload = Pattern(10_000);
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var client = server.CreateHttpClient();

        using var response = await client.SendAsync(ChunkedPost(upload));

        Assert.Equal(upload.Length, response.Content.Headers.ContentLength);
        Assert.Equal(upload, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_one_megabyte_chunked_upload_is_echoed_chunked()
    {
        var upload = Pattern(OneMegabyte);
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var client = server.CreateHttpClient();

        using var response = await client.SendAsync(ChunkedPost(upload), HttpCompletionOption.ResponseHeadersRead);

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.False(response.Content.Headers.Contains("Content-Length"));
        Assert.Equal(upload, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Raw_chunks_are_decoded_before_the_app_sees_them()
    {
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();

        await connection.SendAsync(
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal(11, response.ContentLength);
        Assert.Equal("hello world", response.BodyText);
    }

    /// <summary>
    /// The echo answers before the upload is over: the response head and more than the echo's 64 KiB buffer
    /// come back while the client still holds the rest of its body.
    /// </summary>
    [Fact]
    public async Task A_chunked_echo_streams_back_before_the_upload_ends()
    {
        var upload = Pattern(512 * 1024);
        var half = upload.Length / 2;
        await using var server = await LiveServer.StartBuiltInRoutesAsync();
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        await connection.SendAsync(Chunks(upload.AsMemory(0, half)));
        var head = await connection.ReadHeadAsync();
        var early = await ReadChunkDataAsync(connection, 100 * 1024);
        await connection.SendAsync(Chunks(upload.AsMemory(half)));
        await connection.SendAsync("0\r\n\r\n");
        var rest = await ReadChunkDataAsync(connection, upload.Length - early.Length);

        Assert.Equal(200, head.Status);
        Assert.True(head.IsChunked);
        Assert.Equal(upload, early.Concat(rest).ToArray());
        Assert.Equal("0", await connection.ReadLineAsync());
        Assert.Equal("", await connection.ReadLineAsync());
    }

    private static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    private static HttpRequestMessage ChunkedPost(byte[] upload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = new StreamContent(new MemoryStream(upload)) };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return request;
    }

    /// <summary>The data as 10,000-byte chunks (the last one shorter), without the last-chunk.</summary>
    private static byte[] Chunks(ReadOnlyMemory<byte> data)
    {
        var wire = new MemoryStream();
        for (var offset = 0; offset < data.Length; offset += 10_000)
        {
            var size = Math.Min(10_000, data.Length - offset);
            wire.Write(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            wire.Write(data.Span.Slice(offset, size));
            wire.Write("\r\n"u8);
        }

        return wire.ToArray();
    }

    /// <summary>Reads whole chunks until at least <paramref name="atLeast"/> data bytes arrived.</summary>
    private static async Task<byte[]> ReadChunkDataAsync(RawConnection connection, int atLeast)
    {
        var data = new MemoryStream();
        while (data.Length < atLeast)
        {
            var size = Convert.ToInt32(await connection.ReadLineAsync(), 16);
            Assert.True(size > 0, "the response ended early");
            data.Write(await connection.ReadExactlyAsync(size));
            Assert.Equal("", await connection.ReadLineAsync());
        }

        return data.ToArray();
    }
}
