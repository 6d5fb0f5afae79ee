using System.Globalization;
using System.Text;
using Testbed.Engine.App;

namespace Testbed.Specs.Mock.Support;

/// <summary>Small app pieces the mock specs share.</summary>
internal static class MockApps
{
    public static RequestDelegate Text(string text) => context => WriteTextAsync(context, text);

    /// <summary>Answers with <paramref name="text"/> and a Content-Length.</summary>
    public static Task WriteTextAsync(HttpContext context, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        context.Response.Headers["Content-Length"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync(bytes);
    }

    /// <summary>Reads the request body to its end.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        return body.ToArray();
    }
}
