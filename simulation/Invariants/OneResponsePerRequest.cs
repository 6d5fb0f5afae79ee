using Testbed.Simulator.Clients;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>one-response-per-request</c>: every request gets exactly one well-formed response, in order, or the
/// connection closes for a reason the run can name. No bytes arrive that no request accounts for, and nothing
/// follows a response that said it was the last.
/// </summary>
internal sealed class OneResponsePerRequest : InvariantChecker
{
    public override string Name => "one-response-per-request";

    public override void ResponseMalformed(SimulatedClient client, string problem) => Fail($"{client.Name}: {problem}");

    public override void ClientEnded(SimulatedClient client)
    {
        foreach (var exchange in client.Exchanges.Where(e => e.State == ExchangeState.Unanswered))
        {
            if (CloseCauses.Explain(Run, exchange) is null)
            {
                Fail($"{exchange.Request}: the connection closed without a response, and nothing in the run explains it");
                return;
            }
        }
    }
}
