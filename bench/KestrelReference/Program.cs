// TechEmpower's plaintext test on plain Kestrel: GET /plaintext answers "Hello, World!" as text/plain with
// a Content-Length, from a raw app.Run (no routing, no logging), as TechEmpower's ASP.NET Core middleware
// entry does. Listen address: --urls http://127.0.0.1:PORT.
using Microsoft.AspNetCore.Http;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var helloWorld = "Hello, World!"u8.ToArray();
app.Run(context =>
{
    var response = context.Response;
    if (context.Request.Path != "/plaintext")
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
