using Testbed.Specs.Integration.Support;

namespace Testbed.Specs.Integration;

/// <summary>The server as curl sees it.</summary>
public sealed class CurlSpecs(BuiltInRoutesFixture fixture) : IClassFixture<BuiltInRoutesFixture>
{
    private readonly LiveServer _server = fixture.Server;

    [Fact]
    public async Task Curl_gets_plaintext()
    {
        var (exitCode, output, error) = await Curl.RunAsync("-sS", "-i", $"http://{_server.EndPoint}/plaintext");

        Assert.True(exitCode == 0, $"curl exited with {exitCode}: {error}");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", output, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 13\r\n", output, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nHello, World!", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_curl_chunked_upload_round_trips_through_echo()
    {
        var upload = new byte[300_000];
        for (var i = 0; i < upload.Length; i++)
        {
            upload[i] = (byte)(i * 31 % 256);
        }

        var directory = Directory.CreateTempSubdirectory("testbed-curl-");
        try
        {
            var sent = Path.Combine(directory.FullName, "upload.bin");
            var received = Path.Combine(directory.FullName, "echo.bin");
            await File.WriteAllBytesAsync(sent, upload);

            var (exitCode, status, error) = await Curl.RunAsync(
                "-sS", "-o", received, "-w", "%{http_code}",
                "-H", "Transfer-Encoding: chunked",
                "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + sent,
                $"http://{_server.EndPoint}/echo");

            Assert.True(exitCode == 0, $"curl exited with {exitCode}: {error}");
            Assert.Equal("200", status);
            Assert.Equal(upload, await File.ReadAllBytesAsync(received));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
