using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/bytes?n=N&amp;w=W&amp;len=0|1&amp;flush=K&amp;head=0|1&amp;burst=B&amp;gap=US</c>: a large or small streamed
/// response. N bytes of <see cref="Pattern"/> in writes of W, a flush after every K writes, a Content-Length when
/// len=1, and with head=1 a flush before the first write, so the head goes out alone. With burst=B the writes
/// after the first go out B at a time, each started before the previous completed (buffered writes, as a
/// producer queueing output), so several can wait on the budget at once; gap=US spaces them by that many
/// microseconds of virtual time, about a write's latency, so they reach the socket in several uv_writes.
/// </summary>
internal sealed class BytesApp : SimApp
{
    private const int MaxSpacedWrites = 32;

    public override string Path => "/bytes";

    public override string DrawTarget(ChoiceStream client, Sizes sizes)
    {
        // The body, then how many writes it takes: one, a few, or many small ones (not when they are spaced).
        var n = sizes.Draw(client, "bytes.n");
        var gap = client.Pick("bytes.gap", [0, 20, 50, 150, 1_000]);
        var writes = client.Pick<int>("bytes.writes", gap > 0 ? [1, 2, 3, 8, MaxSpacedWrites] : [1, 2, 3, 8, 32, 1_000]);
        return QueryString.Target(
            Path,
            ("n", n),
            ("w", Math.Max(1, (n + writes - 1) / writes)),
            ("len", client.Choose("bytes.len", 2)),
            ("flush", client.Pick("bytes.flush", [0, 0, 0, 2, 8])),
            ("head", client.Choose("bytes.head", 2)),
            ("burst", client.Pick("bytes.burst", [1, 2, 4, 16])),
            ("gap", gap));
    }

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (n, w, length, flush, head, burst) = Parameters(call.Query);
        var gap = call.Query.Int("gap");
        if (length)
        {
            call.SetContentLength(n);
        }

        if (head)
        {
            await call.FlushAsync();
        }

        // The first write starts the response; only then may writes overlap.
        var writes = 0;
        var pending = new List<Task>(burst);
        for (var offset = 0; offset < n; offset += w)
        {
            pending.Add(call.WritePatternAsync(offset, Math.Min(w, n - offset)));
            if (offset == 0 || pending.Count == burst)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
            else if (gap > 0)
            {
                await call.PauseAsync(TimeSpan.FromMicroseconds(gap));
            }

            if (flush > 0 && ++writes % flush == 0)
            {
                await Task.WhenAll(pending);
                pending.Clear();
                await call.FlushAsync();
            }
        }

        await Task.WhenAll(pending);
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var (n, _, length, _, head, _) = Parameters(new QueryString(request.Target));
        return new AppAnswer
        {
            DeclaredLength = length ? n : null,
            Body = Pattern.Bytes(0, n),
            StartsBeforeReturning = n > 0 || head,
        };
    }

    private static (int N, int W, bool Length, int Flush, bool Head, int Burst) Parameters(QueryString query) =>
        (query.Int("n"), Math.Max(1, query.Int("w", 1)), query.Int("len") == 1, query.Int("flush"), query.Int("head") == 1, Math.Max(1, query.Int("burst", 1)));
}
