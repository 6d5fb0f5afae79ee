using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/watch?n=N&amp;w=W&amp;ms=D</c>: streams N bytes in writes of W, D ms of virtual time apart, and watches
/// RequestAborted: once the connection is torn down it stops, as a well-behaved long-polling app does.
/// </summary>
public sealed class WatchApp : SimApp
{
    public override string Path => "/watch";

    /// <summary>Most writes one response takes, so a watch over a large body stays a few seconds of virtual time.</summary>
    private const int MaxWrites = 20;

    public override string DrawTarget(ChoiceStream client, Sizes sizes)
    {
        var n = sizes.Draw(client, "watch.n");
        var fewest = Math.Max(1, (n + MaxWrites - 1) / MaxWrites);
        return QueryString.Target(
            Path,
            ("n", n),
            ("w", Math.Max(fewest, sizes.Draw(client, "watch.w", cap: Math.Max(1, n)))),
            ("ms", client.Pick("watch.ms", [0, 1, 20, 200])));
    }

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (n, w, ms) = Parameters(call.Query);
        for (var offset = 0; offset < n && !call.Context.RequestAborted.IsCancellationRequested; offset += w)
        {
            await call.WritePatternAsync(offset, Math.Min(w, n - offset));
            await call.DelayAsync(ms);
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var (n, w, ms) = Parameters(new QueryString(request.Target));
        return new AppAnswer
        {
            Body = Pattern.Bytes(0, n),
            StartsBeforeReturning = n > 0,
            Delay = TimeSpan.FromMilliseconds((long)ms * ((n + w - 1) / w)),
        };
    }

    private static (int N, int W, int Ms) Parameters(QueryString query) => (query.Int("n"), Math.Max(1, query.Int("w", 1)), query.Int("ms"));
}
