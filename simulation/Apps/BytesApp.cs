using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/bytes?n=N&amp;w=W&amp;len=0|1&amp;flush=K&amp;head=0|1</c>: a large or small streamed response. N bytes of
/// <see cref="Pattern"/> in writes of W, a flush after every K writes, a Content-Length when len=1, and with
/// head=1 a flush before the first write, so the head goes out alone.
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
            ("head", client.Choose("bytes.head", 2)));
    }

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (n, w, length, flush, head) = Parameters(call.Query);
        if (length)
        {
            call.SetContentLength(n);
        }

        if (head)
        {
            await call.FlushAsync();
        }

        var writes = 0;
        for (var offset = 0; offset < n; offset += w)
        {
            await call.WritePatternAsync(offset, Math.Min(w, n - offset));
            if (flush > 0 && ++writes % flush == 0)
            {
                await call.FlushAsync();
            }
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var (n, _, length, flush, head) = Parameters(new QueryString(request.Target));
        return new AppAnswer
        {
            DeclaredLength = length ? n : null,
            Body = Pattern.Bytes(0, n),
            StartsBeforeReturning = n > 0 || head,
        };
    }

    private static (int N, int W, bool Length, int Flush, bool Head) Parameters(QueryString query) =>
        (query.Int("n"), Math.Max(1, query.Int("w", 1)), query.Int("len") == 1, query.Int("flush"), query.Int("head") == 1);
}
