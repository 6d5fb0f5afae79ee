namespace Testbed.Transports.Mock.Observation;

/// <summary>
/// The <see cref="SimulationObserver"/> methods by name: <see cref="Simulation"/> tells each event only to the
/// observers that override its method, instead of calling every observer's empty default.
/// </summary>
internal enum ObserverCall
{
    ConnectionOpened,
    ConnectionClosed,
    RequestStarted,
    InterimResponseSent,
    ResponseStarted,
    RequestEnded,
    WriteAccepted,
    WriteReleased,
    InputRead,
    InputResumed,
    TimedOut,
    EndTransition,
    Aborting,
    ClientStoppedReceiving,
    ConnectionRefused,
    AcceptPaused,
    AcceptResumed,
    Accepted,
    ReadStarted,
    ReadStopped,
    ReadDelivered,
    ReadEnded,
    WriteSubmitted,
    WriteCompleting,
    ShutdownCalled,
    ShutdownCompleted,
    Callback,
    HandleClosing,
    HandleClosed,
    LoopClosed,
    Misuse,
    ClientConnected,
    ClientRefused,
    ClientSent,
    ClientHalfClosed,
    ClientReset,
    ClientSawEnd,
    FaultInjected,
    Logged,
}
