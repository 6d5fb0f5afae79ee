namespace Testbed.Transports.Mock.Observation;

/// <summary>A fault the world injected, as reported to observers at the moment it takes effect.</summary>
public enum WorldFault
{
    SchedulerJitter,
    ZeroRead,
    ReadsCoalesced,
    SendFragmented,
    WriteDelayed,
    WriteHeld,
    WriteFailed,
    AcceptFailed,
    TimerLate,
}
