using Testbed.Simulator.Invariants;

namespace MyServer.Tests;

/// <summary>An invariant of one's own: the greeting app never answers anything but 200, checked on every response the engine starts.</summary>
public sealed class EveryResponseIsOk : InvariantChecker
{
    public override string Name => "every-response-is-ok";

    public override void ResponseStarted(long connection, int status)
    {
        if (status != 200)
        {
            Fail($"c{connection} answered {status}");
        }
    }
}
