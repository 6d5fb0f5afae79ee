using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Apps;
using Testbed.Simulator.Faults;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Clients;

/// <summary>
/// Draws what one client of the default scenario will do, from its own stream (<c>client.kN</c>), the plan's
/// client and app knobs, and sizes for responses and for request bodies: each request's app, method, version, body and framing, its malformation, idle stretches
/// and pipelining, and where the client breaks off. Everything is drawn before the client connects.
/// </summary>
internal sealed class ScriptGenerator(FaultPlan plan, ServerLimits limits, Sizes sizes, Sizes bodies, IReadOnlyList<SimApp> apps)
{
    private static readonly long[] ContinueWaits = [1_000, 50_000, 1_000_000, 3_000_000];

    /// <summary>The most body bytes a stalled client sends first.</summary>
    public const int MaxStalledBodyBytes = 1_000;

    // The streaming app twice: it is the one that puts the output's budget, batching and waiters to work.
    private readonly SimApp[] _steady = [.. apps.Where(a => a is PlainApp or EchoApp or BytesApp or NoReadApp or StartingApp), .. apps.OfType<BytesApp>()];
    private readonly SimApp[] _faulty = [.. apps.Where(a => a is FailApp or MismatchApp)];
    private readonly SimApp[] _slow = [.. apps.Where(a => a is SlowApp or WatchApp)];

    public ClientScript Draw(ChoiceStream client, string name)
    {
        var count = 1 + (int)client.Choose(ClientDecisions.Requests, plan.Count(Knobs.Requests));
        var steps = new List<ScriptStep>(count);
        for (var i = 0; i < count; i++)
        {
            steps.Add(DrawStep(client, $"{name}.{i + 1}"));
        }

        var ending = client.Chance(ClientDecisions.HalfClose, plan.Chance(Knobs.HalfClose)) ? ClientEnding.HalfCloseEarly
            : client.Chance(ClientDecisions.StayOpen, 0.2) ? ClientEnding.StayOpen
            : ClientEnding.Close;
        return new ClientScript(steps, ending, DrawDisruption(client, steps), client.Choose("start", 20_000));
    }

    /// <summary>The head's style: tokens, target form, name case, spacing, extra fields and padding, each drawn.</summary>
    private RequestPlan Styled(ChoiceStream client, RequestPlan request) => request with
    {
        CloseToken = client.Pick("style.close", ["close", "Close", "upgrade, close"]),
        KeepAliveToken = client.Pick("style.keep-alive", ["keep-alive", "Keep-Alive"]),
        AbsoluteForm = client.Chance("style.absolute", 0.1),
        NameCase = (NameCase)client.Choose("style.case", 3),
        Spacing = (int)client.Choose("style.spacing", 3),
        ExtraFields = client.Pick("style.extra", [0, 0, 1, 3, 8]),
        LeadingEmptyLines = client.Pick("style.empty-lines", [0, 0, 0, 1, 2]),
        FancyChunks = request.ChunkSizes is not null && client.Chance("style.chunks", 0.3),
        Trailers = request.ChunkSizes is not null && client.Chance("style.trailers", 0.3),
        PadLineTo = client.Chance("style.pad-line", 0.1) ? limits.MaxRequestLineSize : null,
        PadHeadersTo = client.Chance("style.pad-headers", 0.1) ? limits.MaxRequestHeadersTotalSize : null,
    };

    private ScriptStep DrawStep(ChoiceStream client, string id)
    {
        var app = DrawApp(client);
        var method = client.Choose("method", 20) switch
        {
            < 9 => "GET",
            < 12 => "HEAD",
            < 17 => "POST",
            < 18 => "PUT",
            < 19 => "DELETE",
            _ => "OPTIONS",
        };
        var http10 = client.Chance("http10", plan.Chance(Knobs.Http10));
        var withBody = method is "POST" or "PUT" || (method is "GET" or "DELETE" && client.Chance("body.unusual", 0.1));
        var body = withBody ? Pattern.Bytes(1000, bodies.Draw(client, "body")) : [];
        var chunks = withBody && !http10 && client.Chance("chunked", 0.4) ? Chunks(client, body.Length) : null;
        var request = new RequestPlan
        {
            Id = id,
            Method = method,
            Target = app.DrawTarget(client, sizes),
            App = app,
            Http10 = http10,
            ConnectionClose = client.Chance("close", plan.Chance(Knobs.ConnectionClose)),
            KeepAlive10 = http10 && client.Chance("keep-alive10", 0.5),
            ExpectContinue = withBody && client.Chance("expect", plan.Chance(Knobs.ExpectContinue)),
            Body = body,
            ChunkSizes = chunks,
        };

        // One draw decides whether the head is written in a style of its own; a plain head (its simplest value)
        // costs no more draws, so a shrunk run's requests are plain unless the failure needs a style.
        if (client.Chance("styled", 0.8))
        {
            request = Styled(client, request);
        }

        if (client.Chance("malformed", plan.Chance(Knobs.Malformed)))
        {
            var applicable = Malformation.All.Where(m => m.AppliesTo(request, limits)).ToList();
            // A malformation edits the canonical head, so the rest of the request is left plain.
            request = request with { Malformation = client.Pick("malformation", applicable), NameCase = NameCase.Canonical, Spacing = 1, PadLineTo = null, PadHeadersTo = null };
        }

        request.Encode(limits);
        if (request.Malformation is { } broken && !BrokenAsMeant(request, broken))
        {
            // Over a limit the parser answers 414 or 431 before it sees any other fault, and a padding that could
            // not reach past its limit broke nothing: either way the request is sent as it is, and judged as such.
            request = (request with { Malformation = null }).Encode(limits);
        }

        var step = new ScriptStep(request, ResponseOracle.Expect(request, limits))
        {
            PipelineWithNext = client.Chance("pipeline", plan.Chance(Knobs.Pipeline)),
            ContinueWaitMicros = client.Pick("continue-wait", ContinueWaits),
        };
        return client.Chance("idle", plan.Chance(Knobs.Idle)) ? WithIdle(client, step) : step;
    }

    private bool BrokenAsMeant(RequestPlan request, Malformation broken)
    {
        var longLine = request.LineLength > limits.MaxRequestLineSize;
        var longHeaders = request.HeaderSectionLength > limits.MaxRequestHeadersTotalSize;
        return broken.Status switch
        {
            414 => longLine,
            431 => longHeaders && !longLine,
            _ => !longLine && !longHeaders,
        };
    }

    private SimApp DrawApp(ChoiceStream client)
    {
        if (client.Chance(ClientDecisions.AppFault, plan.Chance(Knobs.AppFaults)))
        {
            return client.Pick(ClientDecisions.App, _faulty);
        }

        return client.Chance(ClientDecisions.Slow, plan.Chance(Knobs.SlowApps)) ? client.Pick(ClientDecisions.App, _slow) : client.Pick(ClientDecisions.App, _steady);
    }

    /// <summary>An idle stretch before the request or inside its head, short of its timeout or past it.</summary>
    private ScriptStep WithIdle(ChoiceStream client, ScriptStep step)
    {
        if (client.Chance("idle.in-head", 0.5))
        {
            var timeout = Micros(limits.RequestHeadersTimeout);
            return step with
            {
                IdleInHeadAt = 1 + (int)client.Choose("idle.at", Math.Max(1, step.Request.Head.Length - 2)),
                IdleInHeadMicros = client.Pick("idle.for", [100_000, timeout - 1_000_000, timeout + 2_000_000]),
            };
        }

        var keepAlive = Micros(limits.KeepAliveTimeout);
        return step with { IdleBefore = client.Pick("idle.for", [100_000, keepAlive - 1_000_000, keepAlive + 1_000_000, keepAlive + 3_000_000]) };
    }

    /// <summary>Where the client breaks off, if it does: a reset, or a half-close inside a request.</summary>
    private Disruption? DrawDisruption(ChoiceStream client, List<ScriptStep> steps)
    {
        var exchange = (int)client.Choose(ClientDecisions.Exchange, steps.Count);
        var wire = steps[exchange].Request.Head.Length + steps[exchange].Request.BodyWire.Length;
        if (client.Chance("reset", plan.Chance(Knobs.ClientReset)))
        {
            return client.Chance("reset.in-request", 0.5)
                ? new Disruption(DisruptionKind.Reset, exchange, (int)client.Choose("reset.at", wire), 0)
                : new Disruption(DisruptionKind.Reset, exchange, null, sizes.Draw(client, "reset.after"));
        }

        if (client.Chance("eof", plan.Chance(Knobs.ClientEof)) && wire > 1)
        {
            return new Disruption(DisruptionKind.Eof, exchange, 1 + (int)client.Choose("eof.at", wire - 1), 0);
        }

        // Hostile clients only where the server bounds them, or they would hold their connections for ever. A body
        // stalls in the first request that has one the app waits for, wherever the other disruptions fall.
        var stallable = steps.FindIndex(Stallable);
        if (limits.MinRequestBodyDataRate is not null && stallable >= 0 && client.Chance("stall", plan.Chance(Knobs.Stall)))
        {
            // Early in the body, so the rate's allowance (bytes so far over the rate) stays within the run's settling time.
            var request = steps[stallable].Request;
            var kind = client.Chance("stall.trickle", 0.5) ? DisruptionKind.Trickle : DisruptionKind.Stall;
            return new Disruption(kind, stallable, request.Head.Length + (int)client.Choose("stall.at", Math.Min(request.BodyWire.Length, MaxStalledBodyBytes)), 0);
        }

        return limits.MinResponseDataRate is not null && client.Chance("stop-reading", plan.Chance(Knobs.StopReading))
            ? new Disruption(DisruptionKind.StopReading, exchange, null, sizes.Draw(client, "stop-reading.after"))
            : null;
    }

    /// <summary>A body the app waits for from the start, so the body rate's clock runs from the stall on.</summary>
    private static bool Stallable(ScriptStep step) =>
        step.Request is { HasBody: true, ExpectContinue: false, Malformation: null } request
        && step.Expected.AppReadsBody && request.App is not (SlowApp or WatchApp) && step.IdleInHeadAt is null;

    private static int[] Chunks(ChoiceStream client, int length)
    {
        var chunks = new List<int>();
        var left = length;
        while (left > 0)
        {
            var scale = client.Choose("chunk.scale", 3) switch
            {
                0 => 16,
                1 => 4096,
                _ => 70_000,
            };
            var size = 1 + (int)client.Choose("chunk", Math.Min(left, scale));
            chunks.Add(size);
            left -= size;
        }

        return [.. chunks];
    }

    private static long Micros(TimeSpan span) => span.Ticks / 10;
}
