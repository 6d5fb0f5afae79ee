using Testbed.Simulator.Clients;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>response-matches-app</c>: what a client receives is what the app wrote, framed as RFC 9112 and the engine's
/// decisions say: the status, the framing and connection fields, the app's own fields, a Date from the virtual
/// clock, and the body byte for byte. A response may be cut short only by an abort that something in the run
/// explains, and then what arrived is a prefix of what the app wrote.
/// </summary>
internal sealed class ResponseMatchesApp : InvariantChecker
{
    public const string InvariantName = "response-matches-app";

    public override string Name => InvariantName;

    public override void ResponseReceived(ClientExchange exchange)
    {
        var expected = ResponseChecks.Effective(Run, exchange);
        if (ResponseChecks.HeadProblem(Run, exchange, expected) is { } problem)
        {
            Fail($"{exchange.Request}: {problem}");
            return;
        }

        // A body that ends with the connection looks whole to the client whenever the server closes; only the run knows it was cut.
        var cut = expected.Framing == ExpectedFraming.UntilClose && exchange.BodyReceived < expected.Body.Length;
        if (cut && CloseCauses.Explain(Run, exchange) is null)
        {
            Fail($"{exchange.Request}: the body that ends with the connection stopped after {exchange.BodyReceived} of {expected.Body.Length} bytes, and nothing in the run explains the close");
            return;
        }

        if (expected.Completion == Completion.CutShort && !cut)
        {
            Fail($"{exchange.Request}: a whole response arrived, though the app broke it after it started (expected an abort)");
            return;
        }

        if (BodyProblem(exchange, expected, whole: !cut) is { } body)
        {
            Fail($"{exchange.Request}: {body}");
        }
    }

    public override void ClientEnded(SimulatedClient client)
    {
        foreach (var exchange in client.Exchanges.Where(e => e.State == ExchangeState.Cut))
        {
            if (CloseCauses.Explain(Run, exchange) is null)
            {
                Fail($"{exchange.Request}: the response was cut short after {exchange.BodyReceived} body bytes, and nothing in the run explains the close");
                return;
            }

            var expected = ResponseChecks.Effective(Run, exchange);
            if (ResponseChecks.HeadProblem(Run, exchange, expected) is { } head)
            {
                Fail($"{exchange.Request} (cut short): {head}");
                return;
            }

            if (BodyProblem(exchange, expected, whole: false) is { } body)
            {
                Fail($"{exchange.Request} (cut short): {body}");
                return;
            }
        }
    }

    private static string? BodyProblem(ClientExchange exchange, ExpectedResponse expectedResponse, bool whole)
    {
        var expected = expectedResponse.Body.Length;
        if (exchange.BodyMismatchAt is { } at)
        {
            return at >= expected
                ? $"{exchange.BodyReceived} body bytes arrived, more than the {expected} the app wrote"
                : $"the body differs from what the app wrote at byte {at} of {expected}";
        }

        return whole && exchange.BodyReceived != expected ? $"{exchange.BodyReceived} body bytes arrived, expected {expected}" : null;
    }
}
