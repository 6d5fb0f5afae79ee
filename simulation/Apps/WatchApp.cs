using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/watch?n=N&amp;w=W&amp;ms=D&amp;len=0|1</c>: streams N bytes in writes of W, D ms of virtual time apart (with a
/// Content-Length when len=1), and watches RequestAborted: once the connection is torn down it stops, short of
/// its length, as a well-behaved long-polling app does. That is the abort's doing, never an app bug to log.
/// </summary>
internal sealed class WatchApp : SimApp
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
            ("ms", client.Pick("watch.ms", [0, 1, 20, 200])),
            ("len", client.Choose("watch.len", 2)));
    }

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (n, w, ms) = Parameters(call.Query);
        if (call.Query.Int("len") == 1)
        {
            call.SetContentLength(n);
        }

        for (var offset = 0; offset < n && !call.Context.RequestAborted.IsCancellationRequested; offset += w)
        {
            await call.WritePatternAsync(offset, Math.Min(w, n - offset));
            await call.DelayAsync(ms);
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var query = new QueryString(request.Target);
        var (n, w, ms) = Parameters(query);
        return new AppAnswer
        {
            DeclaredLength = query.Int("len") == 1 ? n : null,
            Body = Pattern.Bytes(0, n),
            StartsBeforeReturning = n > 0,
            Delay = TimeSpan.FromMilliseconds((long)ms * ((n + w - 1) / w)),
        };
    }

    private static (int N, int W, int Ms) Parameters(QueryString query) => (query.Int("n"), Math.Max(1, query.Int("w", 1)), query.Int("ms"));
}
