using Testbed.Engine.Connections;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// Why a connection may end before an exchange got its whole response. A close nobody can explain is a bug (a
/// silent close where a 400 was owed, an abort out of nowhere); these are the explanations the run accepts.
/// </summary>
internal static class CloseCauses
{
    /// <summary>The first cause that explains <paramref name="exchange"/> going unanswered or cut short, or null when none does.</summary>
    public static string? Explain(RunContext run, ClientExchange exchange)
    {
        var client = exchange.Client;
        var served = run.Connections.Find(client.Connection);
        if (client.Script.Disruption is { } disruption && client.Disrupted
            && (disruption.Kind == DisruptionKind.Reset || disruption.Exchange <= exchange.Index || served?.AbortedAt is not null))
        {
            return $"the client's own {disruption.Kind.ToString().ToLowerInvariant()}";
        }

        if (client.Connection is { Refused: true } && run.Connections.AcceptPauses > 0)
        {
            return "the listen socket closed, accepts paused out of descriptors, with the connection in its backlog";
        }

        if (client.Connection is { Accepted: true } && served is null && run.Connections.OverLimit > 0)
        {
            return "MaxConcurrentConnections were open, so the server closed it unanswered";
        }

        if (client.Connection?.Broken == true)
        {
            return "a write failed and the network broke the connection";
        }

        // response-rate judges that the abort was owed; here it only explains what the abort cut.
        if (served?.AbortReason == AbortReason.ResponseTooSlow)
        {
            return "the client took its response more slowly than MinResponseDataRate";
        }

        if (exchange.Expected.Completion != Completion.Whole)
        {
            return "the app broke its own response";
        }

        if (run.StopBeganAt is { } stop && (exchange.HeadAt is null || exchange.HeadAt >= stop || served?.AbortedAt >= stop))
        {
            return "the server was stopping";
        }

        if (served?.TimedOut.Contains(ConnectionTimeout.KeepAlive) == true && exchange.HeadAt is null)
        {
            return "the keep-alive timeout closed the connection as the request went out";
        }

        if (served?.TimedOut.Contains(ConnectionTimeout.RequestHeaders) == true && exchange.HeadAt is null)
        {
            return "the request-headers timeout";
        }

        // An abort drops everything still in flight, so a pipelined request's fault can cost the responses before it.
        if (served?.AbortedAt is not null && client.Exchanges.FirstOrDefault(e => e.SentAt is not null && e.Index > exchange.Index && e.Expected.Completion != Completion.Whole) is { } later)
        {
            return $"the abort {later.Request.Id}'s app caused, pipelined after it";
        }

        for (var i = 0; i < exchange.Index; i++)
        {
            var earlier = client.Exchanges[i];
            if (earlier.Request.Malformation is not null)
            {
                return $"the malformed {earlier.Request.Id} before it";
            }

            if (earlier.Expected.MustClose || earlier.Expected.Completion != Completion.Whole || AwaitedContinueUnread(earlier))
            {
                return $"{earlier.Request.Id} before it ends the connection";
            }

            if (earlier.Response is { } response && ResponseChecks.SaysClose(response))
            {
                return $"{earlier.Request.Id}'s response said Connection: close";
            }

            if (earlier.State is ExchangeState.Cut or ExchangeState.Unanswered && Explain(run, earlier) is { } cause)
            {
                return cause;
            }
        }

        return null;
    }

    /// <summary>The engine closes after a response to a client still waiting for 100 Continue with a body the app never read.</summary>
    public static bool AwaitedContinueUnread(ClientExchange exchange) =>
        exchange.Request.ExpectContinue && !exchange.Request.Http10 && !exchange.Expected.AppReadsBody && exchange.Request.HasBody;
}
