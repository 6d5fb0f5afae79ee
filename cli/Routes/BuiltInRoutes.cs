using System.Globalization;
using System.Text;
using Testbed.Engine.App;

namespace Testbed.Cli.Routes;

/// <summary>
/// The routes <c>testbed serve</c> answers: /plaintext (TechEmpower), /echo, /bytes/N, and static files
/// under --root.
/// </summary>
public sealed class BuiltInRoutes(StaticFiles? staticFiles)
{
    private static readonly byte[] HelloWorld = "Hello, World!"u8.ToArray();
    private const int EchoBufferLimit = 64 * 1024;
    private const int BytesChunk = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path == "/echo")
        {
            await EchoAsync(context);
            return;
        }

        // Like a proxy that buffers request bodies, answer only once the whole request is in: a client
        // that is still sending never sees a response to a request it has not finished.
        await ReadRequestBodyAsync(context);
        if (path == "/plaintext")
        {
            await PlaintextAsync(context.Response);
        }
        else if (path.StartsWith("/bytes/", StringComparison.Ordinal))
        {
            await BytesAsync(context, path["/bytes/".Length..]);
        }
        else if (staticFiles is not null)
        {
            await staticFiles.ServeAsync(context);
        }
        else
        {
            await NotFoundAsync(context.Response);
        }
    }

    private static Task ReadRequestBodyAsync(HttpContext context)
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.Contains("Transfer-Encoding");
        return hasBody ? request.Body.CopyToAsync(Stream.Null, context.RequestAborted) : Task.CompletedTask;
    }

    internal static Task NotFoundAsync(HttpResponse response) => TextAsync(response, 404, "Not Found\n");

    internal static Task TextAsync(HttpResponse response, int status, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.Headers["Content-Type"] = "text/plain; charset=utf-8";
        response.Headers["Content-Length"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
        return response.WriteAsync(bytes);
    }

    private static Task PlaintextAsync(HttpResponse response)
    {
        response.Headers["Content-Type"] = "text/plain";
        response.Headers["Content-Length"] = "13";
        return response.WriteAsync(HelloWorld);
    }

    /// <summary>
    /// Streams the body back. A Content-Length request gets the same Content-Length; a chunked one is
    /// buffered up to 64 KiB to answer with a length too, and streamed chunked beyond that.
    /// </summary>
    private static async Task EchoAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["Content-Type"] = request.Headers["Content-Type"] ?? "application/octet-stream";
        if (request.ContentLength is { } length)
        {
            response.Headers["Content-Length"] = length.ToString(CultureInfo.InvariantCulture);
            await request.Body.CopyToAsync(response.Body, context.RequestAborted);
            return;
        }

        var buffered = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while (buffered.Length <= EchoBufferLimit && (n = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffered.Write(chunk, 0, n);
        }

        if (buffered.Length <= EchoBufferLimit)
        {
            response.Headers["Content-Length"] = buffered.Length.ToString(CultureInfo.InvariantCulture);
        }

        await response.WriteAsync(buffered.GetBuffer().AsMemory(0, (int)buffered.Length), context.RequestAborted);
        await request.Body.CopyToAsync(response.Body, context.RequestAborted);
    }

    private static async Task BytesAsync(HttpContext context, string count)
    {
        var response = context.Response;
        if (!long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var total))
        {
            await TextAsync(response, 400, "Usage: /bytes/N with N a whole number of bytes\n");
            return;
        }

        response.Headers["Content-Type"] = "application/octet-stream";
        response.Headers["Content-Length"] = total.ToString(CultureInfo.InvariantCulture);
        var block = new byte[(int)Math.Min(BytesChunk, Math.Max(total, 1))];
        Array.Fill(block, (byte)'x');
        for (var left = total; left > 0 && !context.RequestAborted.IsCancellationRequested; left -= block.Length)
        {
            await response.WriteAsync(block.AsMemory(0, (int)Math.Min(left, block.Length)), context.RequestAborted);
        }
    }
}
