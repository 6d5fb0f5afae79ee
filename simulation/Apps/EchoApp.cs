using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/echo?mode=length|stream</c>: the request body back. <c>length</c> reads it all and answers with a
/// Content-Length; <c>stream</c> writes each read back as it arrives, so the length is unknown (chunked, or
/// close-delimited to HTTP/1.0) and both directions' backpressure meet.
/// </summary>
internal sealed class EchoApp : SimApp
{
    public override string Path => "/echo";

    public override string DrawTarget(ChoiceStream client, Sizes sizes) =>
        QueryString.Target(Path, ("mode", client.Chance("echo.stream", 0.5) ? "stream" : "length"));

    public override async Task HandleAsync(AppCall call)
    {
        if (call.Query.Text("mode") != "stream")
        {
            var body = await call.ReadBodyAsync();
            call.SetContentLength(body.Length);
            await call.WriteAsync(body);
            return;
        }

        var buffer = new byte[4096];
        int n;
        while ((n = await call.Context.Request.Body.ReadAsync(buffer)) > 0)
        {
            await call.WriteAsync(buffer.AsMemory(0, n).ToArray());
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var stream = new QueryString(request.Target).Text("mode") == "stream";
        return new AppAnswer
        {
            DeclaredLength = stream ? null : request.Body.Length,
            Body = request.Body,
            StartsBeforeReturning = !stream || request.Body.Length > 0,
            ReadsBody = !stream,
        };
    }
}
