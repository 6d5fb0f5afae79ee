namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>end-transitions</c>: a connection ends in order, each step at most once: Open → Shutdown (FIN after the
/// output) → Disconnected (close after the output), or straight to Disconnected, and Aborted (close now, the
/// output dropped) from any of them, once. A step taken twice sends a second FIN or closes a closed socket.
/// </summary>
internal sealed class EndTransitions : InvariantChecker
{
    private static readonly HashSet<(string From, string To)> Allowed =
    [
        ("Open", "Shutdown"),
        ("Open", "Disconnected"),
        ("Shutdown", "Disconnected"),
        ("Open", "Aborted"),
        ("Shutdown", "Aborted"),
        ("Disconnected", "Aborted"),
    ];

    private readonly Dictionary<long, string> _state = [];

    public override string Name => "end-transitions";

    public override void EndTransition(long connection, string from, string to)
    {
        var current = _state.GetValueOrDefault(connection, "Open");
        if (from != current || !Allowed.Contains((from, to)))
        {
            Fail($"c{connection}: End went {from} -> {to} while the connection was {current}");
            return;
        }

        _state[connection] = to;
    }
}
