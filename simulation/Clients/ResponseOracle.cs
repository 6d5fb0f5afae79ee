using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;

namespace Testbed.Simulator.Clients;

/// <summary>
/// The second half of a client's oracle: what the engine makes of an app's answer. Written from RFC 9112 and the
/// decisions the engine documents, not from the engine's code, so the two can disagree and a run will say so.
/// </summary>
internal static class ResponseOracle
{
    public static ExpectedResponse Expect(RequestPlan request, ServerLimits limits)
    {
        if (request.Malformation is { } malformation)
        {
            return Refused(malformation.Status);
        }

        // Padded up to a limit is fine; one byte past it is not (the parser judges the line first).
        if (request.LineLength > limits.MaxRequestLineSize)
        {
            return Refused(414);
        }

        if (request.HeaderSectionLength > limits.MaxRequestHeadersTotalSize)
        {
            return Refused(431);
        }

        var answer = request.App.Answer(request);
        if (request.Body.Length > limits.MaxRequestBodySize)
        {
            // A declared length over the limit is refused from the head; a chunked body once the app reads past it.
            if (request.ChunkSizes is null || answer.ReadsBody)
            {
                return Refused(413);
            }

            // An app that never reads it answers as usual; the engine's drain then finds the body too large and aborts.
            return Framed(request, answer, request.KeepAlive) with { Completion = Completion.MaybeWhole, InterimAllowed = InterimAllowed(request) };
        }

        var keepAlive = request.KeepAlive;
        if (answer.Fault is AppFault.ThrowBeforeStart or AppFault.DeclaredNothingWritten)
        {
            // Nothing went out yet: the engine answers 500 in the app's place and the connection lives on.
            return Framed(request, new AppAnswer { Status = 500, ReadsBody = answer.ReadsBody }, keepAlive) with { InterimAllowed = InterimAllowed(request) };
        }

        var expected = Framed(request, answer, keepAlive);
        var completion = answer.Fault switch
        {
            AppFault.None => Completion.Whole,
            AppFault.TooLong => Completion.MaybeWhole,

            // No body, or one that ends with the connection: the abort leaves nothing a client could tell from a whole response.
            _ when expected.Framing is ExpectedFraming.None or ExpectedFraming.UntilClose => Completion.MaybeWhole,
            _ => Completion.CutShort,
        };
        return expected with { Completion = completion, InterimAllowed = InterimAllowed(request) };
    }

    private static bool InterimAllowed(RequestPlan request) => request.ExpectContinue && !request.Http10;

    /// <summary>The engine's own refusal: the status, an empty body and a close.</summary>
    private static ExpectedResponse Refused(int status) => new()
    {
        Status = status,
        Framing = ExpectedFraming.ContentLength,
        ContentLength = 0,
        MustClose = true,
    };

    /// <summary>RFC 9112 §6.3 as the engine applies it, for an app that starts (or not) and writes <paramref name="answer"/>.</summary>
    private static ExpectedResponse Framed(RequestPlan request, AppAnswer answer, bool keepAlive)
    {
        var bodyAllowed = !request.IsHead && answer.Status is not (204 or 205 or 304) && answer.Status >= 200;
        ExpectedFraming framing;
        long? contentLength = null;
        var chunked = false;
        if (answer.DeclaredLength is { } declared)
        {
            framing = ExpectedFraming.ContentLength;
            contentLength = declared;
        }
        else if (!answer.StartsBeforeReturning)
        {
            // The app finished without writing: an empty body of known length (a HEAD answer says nothing of the GET's).
            framing = ExpectedFraming.ContentLength;
            contentLength = request.IsHead ? null : 0;
        }
        else if (!request.Http10)
        {
            framing = ExpectedFraming.Chunked;
            chunked = true;
        }
        else
        {
            // HTTP/1.0 has no chunking: the body ends with the connection.
            framing = ExpectedFraming.UntilClose;
            keepAlive = false;
        }

        return new ExpectedResponse
        {
            Status = answer.Status,
            Body = bodyAllowed ? answer.Body : [],
            Framing = bodyAllowed ? framing : ExpectedFraming.None,
            ContentLength = contentLength,
            SaysChunked = chunked,
            MustClose = !keepAlive,
            SaysKeepAlive = keepAlive && request.Http10,
            Headers = answer.Headers,
            AppReadsBody = answer.ReadsBody,
        };
    }
}
