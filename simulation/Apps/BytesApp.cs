using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/bytes?n=N&amp;w=W&amp;len=0|1&amp;flush=K&amp;head=0|1&amp;burst=B</c>: a large or small streamed response. N
/// bytes of <see cref="Pattern"/> in writes of W, a flush after every K writes, a Content-Length when len=1, and
/// with head=1 a flush before the first write, so the head goes out alone. With burst=B the writes after the
/// first go out B at a time, each started before the previous completed (buffered writes, as a producer
/// queueing output), so several can wait on the budget at once.
/// </summary>
public sealed class BytesApp : SimApp
{
    public override string Path => "/bytes";

    public override string DrawTarget(ChoiceStream client, Sizes sizes)
    {
        var n = sizes.Draw(client, "bytes.n");
        var w = Math.Max(1, sizes.Draw(client, "bytes.w", cap: Math.Max(1, n)));
        return QueryString.Target(
            Path,
            ("n", n),
            ("w", w),
            ("len", client.Choose("bytes.len", 2)),
            ("flush", client.Choose("bytes.flush", 4)),
            ("head", client.Choose("bytes.head", 2)),
            ("burst", client.Pick("bytes.burst", [1, 2, 4, 16])));
    }

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (n, w, length, flush, head, burst) = Parameters(call.Query);
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
