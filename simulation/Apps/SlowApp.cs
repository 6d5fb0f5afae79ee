using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/slow?ms=D&amp;n=N&amp;len=0|1&amp;between=0|1</c>: waits D ms of virtual time before answering N bytes
/// (in two writes, D ms apart when between=1), as an app awaiting a database would.
/// </summary>
internal sealed class SlowApp : SimApp
{
    public override string Path => "/slow";

    public override string DrawTarget(ChoiceStream client, Sizes sizes) => QueryString.Target(
        Path,
        ("ms", client.Pick("slow.ms", [0, 1, 10, 100, 1_000, 2_500, 4_000])),
        ("n", sizes.Draw(client, "slow.n")),
        ("len", client.Choose("slow.len", 2)),
        ("between", client.Choose("slow.between", 2)));

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (ms, n, length, between) = Parameters(call.Query);
        await call.DelayAsync(ms);
        if (length)
        {
            call.SetContentLength(n);
        }

        var half = n / 2;
        if (half > 0)
        {
            await call.WritePatternAsync(0, half);
            if (between)
            {
                await call.DelayAsync(ms);
            }
        }

        if (n - half > 0)
        {
            await call.WritePatternAsync(half, n - half);
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var (ms, n, length, between) = Parameters(new QueryString(request.Target));
        return new AppAnswer
        {
            DeclaredLength = length ? n : null,
            Body = Pattern.Bytes(0, n),
            StartsBeforeReturning = n > 0,
            Delay = TimeSpan.FromMilliseconds(between && n / 2 > 0 ? 2 * ms : ms),
        };
    }

    private static (int Ms, int N, bool Length, bool Between) Parameters(QueryString query) =>
        (query.Int("ms"), query.Int("n"), query.Int("len") == 1, query.Int("between") == 1);
}
