namespace Testbed.Simulator.Clients;

/// <summary>How a client disturbs one of its exchanges.</summary>
public enum DisruptionKind
{
    /// <summary>Resets the connection (RST): what it had not sent is lost, and so is what it had not read.</summary>
    Reset,

    /// <summary>Half-closes (FIN) in the middle of a request, leaving it incomplete.</summary>
    Eof,

    /// <summary>Stops sending for good early in a request body, and keeps reading: a trickled body gone quiet.</summary>
    Stall,

    /// <summary>
    /// Sends the rest of a request body <see cref="Disruption.TrickleBytes"/> bytes a second, far below any sane
    /// body rate, from early in the body on, and keeps reading.
    /// </summary>
    Trickle,

    /// <summary>Stops reading for good in the middle of a response, and keeps the connection open.</summary>
    StopReading,
}

/// <summary>
/// Where a client breaks off: <see cref="InRequest"/> bytes into sending exchange <see cref="Exchange"/>, or, when
/// that is null, once <see cref="InResponse"/> bytes of its response's body have arrived (or the response ended).
/// </summary>
public sealed record Disruption(DisruptionKind Kind, int Exchange, int? InRequest, int InResponse)
{
    /// <summary>A trickling client's bytes a second, sent one piece each second.</summary>
    public const int TrickleBytes = 10;
}

/// <summary>What a client does after its last exchange.</summary>
public enum ClientEnding
{
    /// <summary>Half-closes once the last response arrived, and waits for the server's FIN.</summary>
    Close,

    /// <summary>Half-closes right after sending its last request, before any answer.</summary>
    HalfCloseEarly,

    /// <summary>Keeps the connection open and idle until the server closes it (keep-alive timeout or stop).</summary>
    StayOpen,
}

/// <summary>One request of a script and how it is sent.</summary>
public sealed record ScriptStep(RequestPlan Request, ExpectedResponse Expected)
{
    /// <summary>Idle virtual µs before the request is sent (after the previous response, or the connect).</summary>
    public long IdleBefore { get; init; }

    /// <summary>Sends the head only up to this byte, idles <see cref="IdleInHeadMicros"/>, then the rest; null for none.</summary>
    public int? IdleInHeadAt { get; init; }

    public long IdleInHeadMicros { get; init; }

    /// <summary>Sent in the same send as the next request, without waiting for this one's response.</summary>
    public bool PipelineWithNext { get; init; }

    /// <summary>With <c>Expect: 100-continue</c>: how long to wait for the 100 before sending the body anyway.</summary>
    public long ContinueWaitMicros { get; init; } = 1_000_000;
}

/// <summary>Everything a simulated client will do, drawn up front from its own stream.</summary>
public sealed record ClientScript(IReadOnlyList<ScriptStep> Steps, ClientEnding Ending, Disruption? Disruption, long StartDelayMicros)
{
    /// <summary>The virtual time the script spends waiting on purpose: its idle stretches, 100-continue waits and the apps' delays.</summary>
    public TimeSpan PlannedWaits => TimeSpan.FromMicroseconds(
        StartDelayMicros + Steps.Sum(step => step.IdleBefore + step.IdleInHeadMicros + step.ContinueWaitMicros + (step.Request.App.Answer(step.Request).Delay.Ticks / 10)));
}
