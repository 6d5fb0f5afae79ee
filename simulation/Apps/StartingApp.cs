using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/starting?n=N&amp;ms=D</c>: registers two OnStarting callbacks, which must run in reverse order of
/// registration just before the head goes out; the later-registered one waits D ms of virtual time first. The
/// order shows in the <c>X-Starting</c> field.
/// </summary>
internal sealed class StartingApp : SimApp
{
    public override string Path => "/starting";

    public override string DrawTarget(ChoiceStream client, Sizes sizes) =>
        QueryString.Target(Path, ("n", sizes.Draw(client, "starting.n")), ("ms", client.Pick("starting.ms", [0, 1, 50])));

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var n = call.Query.Int("n");
        var headers = call.Context.Response.Headers;
        call.Context.Response.OnStarting(() =>
        {
            headers["X-Starting"] = headers["X-Starting"] + "first";
            return Task.CompletedTask;
        });
        call.Context.Response.OnStarting(async () =>
        {
            await call.DelayAsync(call.Query.Int("ms"));
            headers["X-Starting"] = "second,";
        });
        if (n > 0)
        {
            await call.WritePatternAsync(0, n);
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var query = new QueryString(request.Target);
        var n = query.Int("n");
        return new AppAnswer
        {
            Headers = [new("X-Starting", "second,first")],
            Body = Pattern.Bytes(0, n),
            StartsBeforeReturning = n > 0,
            Delay = TimeSpan.FromMilliseconds(query.Int("ms")),
        };
    }
}
