using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>input-backpressure</c>: once a read fills the input to MaxRequestBufferSize the engine stops reading, so no
/// further read arrives until the frame has consumed below the limit; then reading starts again at once. An engine
/// that ignores the pause buffers a fast client's bytes without bound.
/// </summary>
internal sealed class InputBackpressure : InvariantChecker
{
    private readonly HashSet<long> _paused = [];
    private readonly HashSet<long> _resuming = [];

    public override string Name => "input-backpressure";

    public override void InputRead(long connection, int bytes, bool paused)
    {
        if (paused)
        {
            _paused.Add(connection);
        }
    }

    public override void InputResumed(long connection)
    {
        _paused.Remove(connection);
        _resuming.Add(connection);
    }

    public override void ReadStarted(SimConnection connection)
    {
        if (Run.Connections.Find(connection) is { } served)
        {
            _resuming.Remove(served.Id);
        }
    }

    public override void ReadDelivered(SimConnection connection, int bytes, int segments)
    {
        if (Run.Connections.Find(connection) is not { } served)
        {
            return;
        }

        if (_paused.Contains(served.Id))
        {
            Fail($"c{served.Id}: a read of {bytes} bytes arrived while the input was full (over {Run.ServerOptions.Limits.MaxRequestBufferSize} bytes): the engine did not stop reading");
        }
        else if (_resuming.Contains(served.Id))
        {
            Fail($"c{served.Id}: the input resumed, but reading was never started again");
        }
    }

    public override void ConnectionClosed(long connection)
    {
        _paused.Remove(connection);
        _resuming.Remove(connection);
    }
}
