using System.Text.Json;

namespace Testbed.Specs.Http.Support;

internal enum Verdict
{
    Pass,
    Fail,

    /// <summary>Not scored by rawcheck ("first": "info").</summary>
    Info,

    /// <summary>The parser accepts; whether the socket run passes depends on the application's answer.</summary>
    NotDecidable,
}

/// <summary>
/// Applies a row's <c>expect</c> to a parser-level <see cref="WireOutcome"/> the way <c>rawcheck.py</c>
/// applies it to the responses on a socket: a rejection is the connection's 4xx/5xx, a completed request is
/// a 2xx (or 404/405/501) response, and "waiting" is a server that has not answered yet.
/// </summary>
internal static class CorpusJudge
{
    private static readonly HashSet<string> StandardMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"];

    public static (Verdict Verdict, string Why) Judge(JsonElement expect, WireOutcome outcome)
    {
        if (expect.TryGetProperty("any_of", out var alternatives))
        {
            var results = alternatives.EnumerateArray().Select(e => Judge(e, outcome)).ToList();
            return results.FirstOrDefault(r => r.Verdict == Verdict.Pass, results[^1]);
        }

        var first = expect.GetProperty("first");
        var (pass, why) = first.ValueKind == JsonValueKind.Array
            ? (outcome.Completed == 0 && outcome.Terminal == Terminal.Rejected && first.EnumerateArray().Any(c => c.GetInt32() == outcome.Status), "status not in the expected list")
            : first.GetString() switch
            {
                "info" => (true, "info"),
                "none" => (outcome.Completed == 0 && outcome.Terminal == Terminal.Waiting, "expected no answer (waiting)"),
                "reject" => (IsRejectedFirst(expect, outcome), "expected the first answer to be 4xx/5xx"),
                "ok" => JudgeOk(expect, outcome),
                var other => (false, $"unknown expectation {other}"),
            };

        if (first.ValueKind == JsonValueKind.String && first.GetString() == "info")
        {
            return (Verdict.Info, "not scored");
        }

        if (pass)
        {
            return (Verdict.Pass, "");
        }

        // A request the parser accepts with a method it cannot know gets the application's 405/501,
        // which rawcheck counts as a rejection: the socket run decides, not the parser.
        bool expectsRejection = first.ValueKind == JsonValueKind.Array || first.GetString() == "reject";
        return expectsRejection && outcome.Completed > 0 && !StandardMethods.Contains(outcome.FirstMethod)
            ? (Verdict.NotDecidable, $"parser accepts method {outcome.FirstMethod}; the application's answer decides")
            : (Verdict.Fail, why);
    }

    private static bool IsRejectedFirst(JsonElement expect, WireOutcome outcome)
    {
        bool waitOk = expect.TryGetProperty("wait_ok", out var w) && w.GetBoolean();
        return outcome.Completed == 0
            && (outcome.Terminal == Terminal.Rejected || (waitOk && outcome.Terminal == Terminal.Waiting));
    }

    private static (bool, string) JudgeOk(JsonElement expect, WireOutcome outcome)
    {
        int n = expect.TryGetProperty("n", out var nValue) ? nValue.GetInt32() : 1;
        if (outcome.Completed < n)
        {
            return (false, $"expected {n} requests to complete");
        }

        bool exact = outcome.Completed == n;
        bool exactN = expect.TryGetProperty("exact_n", out var e) && e.GetBoolean();
        string then = expect.TryGetProperty("then", out var t) ? t.GetString()! : "any";
        return then switch
        {
            "reject" when expect.TryGetProperty("then_status", out var statuses) =>
                (exact && outcome.Terminal == Terminal.Rejected && statuses.EnumerateArray().Any(s => s.GetInt32() == outcome.Status),
                    $"expected the following request to be answered {string.Join(" or ", statuses.EnumerateArray())}, not a close"),
            "reject" => (exact && outcome.Terminal != Terminal.Waiting, "expected the following bytes to be rejected"),
            "wait" => (exact && outcome.Terminal == Terminal.Waiting, "expected to wait for the rest"),
            "close" => (exact && outcome.Terminal != Terminal.Rejected, "expected nothing after the ok answers"),
            _ => (!exactN || (exact && outcome.Terminal != Terminal.Rejected), "more answers than expected"),
        };
    }
}
