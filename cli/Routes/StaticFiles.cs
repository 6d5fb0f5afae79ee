using System.Globalization;
using Testbed.Engine.App;

namespace Testbed.Cli.Routes;

/// <summary>Serves files under a root with Content-Length, HEAD and 404; paths that escape the root get 403.</summary>
public sealed class StaticFiles
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".htm"] = "text/html; charset=utf-8",
        [".css"] = "text/css", [".js"] = "text/javascript", [".json"] = "application/json",
        [".txt"] = "text/plain; charset=utf-8", [".svg"] = "image/svg+xml", [".png"] = "image/png",
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".ico"] = "image/x-icon",
        [".wasm"] = "application/wasm", [".xml"] = "application/xml", [".pdf"] = "application/pdf",
    };

    private readonly string _root;

    public StaticFiles(string root)
    {
        _root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
    }

    public async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (request.Method is not ("GET" or "HEAD"))
        {
            response.Headers["Allow"] = "GET, HEAD";
            await BuiltInRoutes.TextAsync(response, 405, "Method Not Allowed\n");
            return;
        }

        var file = Resolve(request.Path);
        if (file is null)
        {
            await BuiltInRoutes.TextAsync(response, 403, "Forbidden\n");
            return;
        }

        if (Directory.Exists(file))
        {
            file = Path.Combine(file, "index.html");
        }

        if (!File.Exists(file))
        {
            await BuiltInRoutes.NotFoundAsync(response);
            return;
        }

        await SendFileAsync(context, file);
    }

    /// <summary>The full path for a request path, or null when it would leave the root.</summary>
    internal string? Resolve(string requestPath)
    {
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(requestPath);
        }
        catch (UriFormatException)
        {
            return null;
        }

        if (decoded.Contains('\0') || decoded.Contains('\\'))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(_root, decoded.TrimStart('/')));
        var inside = full.StartsWith(_root, StringComparison.Ordinal) || full + Path.DirectorySeparatorChar == _root;
        return inside ? full : null;
    }

    private static async Task SendFileAsync(HttpContext context, string file)
    {
        var response = context.Response;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        response.Headers["Content-Type"] = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        response.Headers["Content-Length"] = stream.Length.ToString(CultureInfo.InvariantCulture);
        response.Headers["Last-Modified"] = File.GetLastWriteTimeUtc(file).ToString("r", CultureInfo.InvariantCulture);
        if (context.Request.Method == "HEAD")
        {
            return;
        }

        await stream.CopyToAsync(response.Body, 64 * 1024, context.RequestAborted);
    }
}
