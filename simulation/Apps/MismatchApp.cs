using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// <c>/mismatch?declared=D&amp;n=N</c>: declares Content-Length D and writes N bytes in two writes. Fewer and the
/// engine aborts once the app returns; more and the write that passes D throws, and the engine aborts; none at
/// all and the engine answers 500 in its place.
/// </summary>
internal sealed class MismatchApp : SimApp
{
    public override string Path => "/mismatch";

    public override string DrawTarget(ChoiceStream client, Sizes sizes)
    {
        var declared = Math.Max(1, sizes.Draw(client, "mismatch.declared"));
        var n = client.Pick("mismatch.n", [declared - 1, declared + 1, 0, declared / 2, declared * 2]);
        return QueryString.Target(Path, ("declared", declared), ("n", n));
    }

    public override async Task HandleAsync(AppCall call)
    {
        await DiscardBodyAsync(call);
        var (declared, n) = Parameters(call.Query);
        call.SetContentLength(declared);
        var first = Math.Min(n, declared);
        if (first > 0)
        {
            await call.WritePatternAsync(0, first);
        }

        if (n > first)
        {
            await call.WritePatternAsync(first, n - first);
        }
    }

    public override AppAnswer Answer(RequestPlan request)
    {
        var (declared, n) = Parameters(new QueryString(request.Target));
        // A HEAD response has no body to fall short of or overrun: the engine drops the writes and checks nothing.
        var fault = n == declared || request.IsHead ? AppFault.None
            : n == 0 ? AppFault.DeclaredNothingWritten
            : n < declared ? AppFault.TooShort
            : AppFault.TooLong;
        return new AppAnswer
        {
            DeclaredLength = declared,
            Body = Pattern.Bytes(0, Math.Min(n, declared)),
            StartsBeforeReturning = n > 0,
            Fault = fault,
        };
    }

    private static (int Declared, int N) Parameters(QueryString query) => (Math.Max(1, query.Int("declared", 1)), query.Int("n"));
}
