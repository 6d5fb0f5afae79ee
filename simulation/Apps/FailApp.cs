using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/fail?at=before|after&amp;n=N&amp;len=0|1</c>: an app with a bug. <c>before</c> throws before writing (the
/// engine answers 500 and keeps the connection); <c>after</c> writes N bytes, then throws (the engine must abort:
/// the response was promised and cannot be finished).
/// </summary>
internal sealed class FailApp : SimApp
{
    public override string Path => "/fail";

    public override string DrawTarget(ChoiceStream client, Sizes sizes) => QueryString.Target(
        Path,
        ("at", client.Chance("fail.after", 0.5) ? "after" : "before"),
        ("n", Math.Max(1, sizes.Draw(client, "fail.n"))),
        ("len", client.Choose("fail.len", 2)));

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (after, n, length) = Parameters(call.Query);
        if (after)
        {
            if (length)
            {
                call.SetContentLength(2L * n);
            }

            await call.WritePatternAsync(0, n);
        }

        throw new InvalidOperationException("the app under test failed, as planned");
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var (after, n, length) = Parameters(new QueryString(request.Target));
        return after
            ? new AppAnswer { DeclaredLength = length ? 2L * n : null, Body = Pattern.Bytes(0, n), StartsBeforeReturning = true, Fault = AppFault.ThrowAfterStart }
            : new AppAnswer { Fault = AppFault.ThrowBeforeStart };
    }

    private static (bool After, int N, bool Length) Parameters(QueryString query) =>
        (query.Text("at") == "after", Math.Max(1, query.Int("n", 1)), query.Int("len") == 1);
}
