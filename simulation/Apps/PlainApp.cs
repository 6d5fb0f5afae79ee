using System.Text;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary><c>/plain</c>: TechEmpower's plaintext, with a Content-Length, after reading any body.</summary>
internal sealed class PlainApp : SimApp
{
    private static readonly byte[] Text = Encoding.ASCII.GetBytes("Hello, World!");

    public override string Path => "/plain";

    public override string DrawTarget(ChoiceStream client, Sizes sizes) => Path;

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        call.Context.Response.Headers["Content-Type"] = "text/plain";
        call.SetContentLength(Text.Length);
        await call.WriteAsync(Text);
    }

    public override AppAnswer Answer(RequestPlan request) => new()
    {
        Headers = [new("Content-Type", "text/plain")],
        DeclaredLength = Text.Length,
        Body = Text,
        StartsBeforeReturning = true,
    };
}
