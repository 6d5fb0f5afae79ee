// TechEmpower's plaintext test on plain Kestrel: GET /plaintext answers "Hello, World!" as text/plain with
// a Content-Length, from a raw app.Run (no routing, no logging), as TechEmpower's ASP.NET Core middleware
// entry does. GET /bytes/N answers N bytes of 'x' as application/octet-stream with a Content-Length, written
// in 64 KiB blocks, as testbed serve's /bytes/N does. Listen address: --urls http://127.0.0.1:PORT.
using System.Globalization;
using Microsoft.AspNetCore.Http;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var helloWorld = "Hello, World!"u8.ToArray();
var block = new byte[64 * 1024];
Array.Fill(block, (byte)'x');
app.Run(context =>
{
    var response = context.Response;
    var path = context.Request.Path.Value ?? "";
    if (path.StartsWith("/bytes/", StringComparison.Ordinal)
        && long.TryParse(path.AsSpan("/bytes/".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
    {
        return BytesAsync(response, total);
    }

    if (path != "/plaintext")
    {
        response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    response.StatusCode = StatusCodes.Status200OK;
    response.ContentType = "text/plain";
    response.ContentLength = helloWorld.Length;
    return response.Body.WriteAsync(helloWorld, 0, helloWorld.Length);
});

app.Run();

async Task BytesAsync(HttpResponse response, long total)
{
    response.StatusCode = StatusCodes.Status200OK;
    response.ContentType = "application/octet-stream";
    response.ContentLength = total;
    for (var left = total; left > 0; left -= block.Length)
    {
        await response.Body.WriteAsync(block.AsMemory(0, (int)Math.Min(left, block.Length)));
    }
}
