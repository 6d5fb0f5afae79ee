using System.Globalization;
using System.Text;
using Testbed.Engine.App;

namespace Testbed.Specs.Integration.Support;

/// <summary>Small response helpers for the apps specs define inline.</summary>
internal static class Respond
{
    /// <summary>Writes <paramref name="text"/> with its Content-Length.</summary>
    public static Task TextAsync(HttpContext context, string text, int status = 200)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.Headers["Content-Type"] = "text/plain; charset=utf-8";
        context.Response.Headers["Content-Length"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync(bytes);
    }

    /// <summary>Reads the whole request body.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        return body.ToArray();
    }
}
