using System.Text;
using Testbed.Engine.App;

namespace MyServer.Tests;

/// <summary>The app under test: <c>GET /hello?name=X</c> answers "Hello, X!"; anything else is 404.</summary>
public static class GreetingApp
{
    public static Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/hello")
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        var name = context.Request.QueryString.StartsWith("?name=", StringComparison.Ordinal) ? context.Request.QueryString[6..] : "world";
        var body = Encoding.UTF8.GetBytes($"Hello, {name}!");
        context.Response.Headers["Content-Type"] = "text/plain";
        context.Response.Headers["Content-Length"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.Response.WriteAsync(body);
    }
}
