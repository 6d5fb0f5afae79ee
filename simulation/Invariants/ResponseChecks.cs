using System.Globalization;
using Testbed.Engine.Connections;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock;

namespace Testbed.Simulator.Invariants;

/// <summary>Compares a response's head, as it arrived, with what the exchange's oracle expects.</summary>
internal static class ResponseChecks
{
    /// <summary>RFC 9110 §15's reason phrases, for the statuses a run can see.</summary>
    private static readonly Dictionary<int, string> Reasons = new()
    {
        [100] = "Continue", [200] = "OK", [400] = "Bad Request", [404] = "Not Found", [408] = "Request Timeout",
        [413] = "Content Too Large", [414] = "URI Too Long", [431] = "Request Header Fields Too Large",
        [500] = "Internal Server Error", [505] = "HTTP Version Not Supported",
    };

    /// <summary>The fields the engine itself sends; any other field must be the app's.</summary>
    private static readonly string[] EngineFields = ["Date", "Server", "Content-Length", "Transfer-Encoding", "Connection"];

    public static bool SaysClose(ParsedResponse response) => HasToken(response.Header("Connection"), "close");

    /// <summary>
    /// What the response to <paramref name="exchange"/> must be, now that it arrived: the oracle's answer, or the
    /// engine's own error answer where the run made one due: a 408 when the request-headers timeout fired inside the
    /// head, a 400 when the client half-closed inside the request, a 408 when its body went quiet, trickled or waited on 100
    /// Continue past the body rate's grace period, a 413 for a body over the limit.
    /// </summary>
    public static ExpectedResponse Effective(RunContext run, ClientExchange exchange)
    {
        var status = exchange.Response!.Status;
        var timedOut = status == 408 && exchange.Step.IdleInHeadAt is not null
            && run.Connections.Find(exchange.Client.Connection)?.TimedOut.Contains(ConnectionTimeout.RequestHeaders) == true;
        var brokeOff = status == 400 && exchange.Client.Script.Disruption is { Kind: DisruptionKind.Eof, InRequest: not null } eof && eof.Exchange == exchange.Index;
        var stalled = status == 408 && exchange.Client.Script.Disruption is { Kind: DisruptionKind.Stall or DisruptionKind.Trickle } stall
            && stall.Exchange == exchange.Index && exchange.Client.Disrupted;

        // A client that holds its body back for 100 Continue longer than the body rate's grace period is that slow a body.
        var heldBack = status == 408 && exchange.Request.ExpectContinue && run.ServerOptions.Limits.MinRequestBodyDataRate is { } rate
            && exchange.Step.ContinueWaitMicros >= rate.GracePeriod.Ticks / 10;

        // An app that reads a body too large as it answers is refused before or after its first write, as the reads fall.
        var tooLarge = status == 413 && exchange.Request.Body.Length > run.ServerOptions.Limits.MaxRequestBodySize;
        return timedOut || brokeOff || stalled || heldBack || tooLarge
            ? new ExpectedResponse { Status = status, Framing = ExpectedFraming.ContentLength, ContentLength = 0, MustClose = true }
            : exchange.Expected;
    }

    /// <summary>What is wrong with the head of <paramref name="exchange"/>'s response against <paramref name="expected"/>, or null.</summary>
    public static string? HeadProblem(RunContext run, ClientExchange exchange, ExpectedResponse expected)
    {
        var response = exchange.Response!;
        if (response.Status != expected.Status)
        {
            return $"status {response.Status}, expected {expected.Status}";
        }

        if (response.Version != "HTTP/1.1" && !(response.Version == "HTTP/1.0" && exchange.Request.Http10))
        {
            return $"a {response.Version} status line to an HTTP/1.{(exchange.Request.Http10 ? 0 : 1)} request";
        }

        if (Reasons.TryGetValue(response.Status, out var reason) && response.Reason != reason)
        {
            return $"reason phrase '{response.Reason}' for {response.Status}, expected '{reason}'";
        }

        if (FieldProblem(response, expected) is { } field)
        {
            return field;
        }

        if (response.Header("Server") != run.ServerOptions.ServerHeader)
        {
            return $"Server '{response.Header("Server")}', expected '{run.ServerOptions.ServerHeader}'";
        }

        if (DateProblem(run, exchange, response.Header("Date")) is { } date)
        {
            return date;
        }

        var length = response.Header("Content-Length");
        var expectedLength = expected.ContentLength?.ToString(CultureInfo.InvariantCulture);
        if (length != expectedLength)
        {
            return $"Content-Length '{length ?? "none"}', expected '{expectedLength ?? "none"}'";
        }

        var chunked = response.Header("Transfer-Encoding") == "chunked";
        if (chunked != expected.SaysChunked)
        {
            return $"Transfer-Encoding '{response.Header("Transfer-Encoding") ?? "none"}', expected '{(expected.SaysChunked ? "chunked" : "none")}'";
        }

        var closes = SaysClose(response);
        if (expected.MustClose && !closes)
        {
            return "no Connection: close, though the connection cannot be kept";
        }

        if (closes && !expected.MustClose && !MayClose(run, exchange))
        {
            return "Connection: close, though the connection could be kept";
        }

        if (expected.SaysKeepAlive && !closes && !HasToken(response.Header("Connection"), "keep-alive"))
        {
            return "no Connection: keep-alive to an HTTP/1.0 client that asked for it";
        }

        foreach (var (name, value) in expected.Headers)
        {
            if (response.Header(name) != value)
            {
                return $"{name} '{response.Header(name)}', expected '{value}'";
            }
        }

        return null;
    }

    /// <summary>Every field is one the engine or the app sends, and none of them twice.</summary>
    private static string? FieldProblem(ParsedResponse response, ExpectedResponse expected)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in response.Headers)
        {
            if (!seen.Add(name))
            {
                return $"the field {name} twice";
            }

            if (!EngineFields.Contains(name, StringComparer.OrdinalIgnoreCase) && !expected.Headers.Any(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                return $"a field {name} that neither the engine nor the app sends";
            }
        }

        return null;
    }

    /// <summary>A close the oracle did not require, but the server may choose: it is stopping, or a 100 was owed and never sent.</summary>
    private static bool MayClose(RunContext run, ClientExchange exchange) =>
        (run.StopBeganAt is { } stop && exchange.HeadAt >= stop)
        || (CloseCauses.AwaitedContinueUnread(exchange) && exchange.Interims.Count == 0);

    /// <summary>The Date field is the virtual clock's, between the request going out and the head arriving (to the second).</summary>
    private static string? DateProblem(RunContext run, ClientExchange exchange, string? date)
    {
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return $"Date '{date}' is not an IMF-fixdate";
        }

        var sent = run.Simulation.Options.Epoch.AddTicks(exchange.SentAt!.Value * 10);
        var arrived = run.Simulation.Options.Epoch.AddTicks(exchange.HeadAt!.Value * 10);
        var earliest = sent.AddTicks(-(sent.Ticks % TimeSpan.TicksPerSecond));
        return value < earliest || value > arrived ? $"Date '{date}' is outside the request's lifetime ({sent:O} to {arrived:O})" : null;
    }

    private static bool HasToken(string? value, string token) =>
        value is not null && value.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));
}
