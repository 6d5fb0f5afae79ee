using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/noread?n=N</c>: answers N bytes with a Content-Length and never reads the request body, which the engine
/// must then drain (or, while a client still waits for 100 Continue, close the connection instead).
/// </summary>
internal sealed class NoReadApp : SimApp
{
    public override string Path => "/noread";

    public override string DrawTarget(ChoiceStream client, Sizes sizes) => QueryString.Target(Path, ("n", sizes.Draw(client, "noread.n")));

    public override async Task HandleAsync(AppCall call)
    {
        var n = call.Query.Int("n");
        call.SetContentLength(n);
        await call.WritePatternAsync(0, n);
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var n = new QueryString(request.Target).Int("n");
        return new AppAnswer { DeclaredLength = n, Body = Pattern.Bytes(0, n), StartsBeforeReturning = true, ReadsBody = false };
    }
}
