using Testbed.Simulator.Clients;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>continue-rules</c>: 100 Continue goes only to an HTTP/1.1 request that asked for it with Expect, at most once,
/// and no other 1xx is sent at all (RFC 9110 §10.1.1, RFC 9112 §9.3).
/// </summary>
internal sealed class ContinueRules : InvariantChecker
{
    public override string Name => "continue-rules";

    public override void InterimReceived(ClientExchange exchange)
    {
        var interim = exchange.Interims[^1];
        if (interim.Status != 100)
        {
            Fail($"{exchange.Request}: an interim {interim.Status}, which this server never sends");
        }
        else if (exchange.Request.Http10)
        {
            Fail($"{exchange.Request}: 100 Continue to an HTTP/1.0 client");
        }
        else if (!exchange.Request.ExpectContinue)
        {
            Fail($"{exchange.Request}: 100 Continue to a request without Expect: 100-continue");
        }
        else if (exchange.Interims.Count > 1)
        {
            Fail($"{exchange.Request}: a second 100 Continue");
        }
    }
}
