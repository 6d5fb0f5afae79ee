namespace Testbed.Simulator.Invariants;

/// <summary>
/// Every invariant a run checks. Most are checkers; the rest the runner names when the world or the drivers stop
/// a run: <see cref="UnhandledException"/>, <see cref="ThreadEscape"/>, <see cref="WorldRule"/> and
/// <see cref="DriverError"/>.
/// </summary>
internal static class InvariantCatalog
{
    /// <summary>An exception escaped from engine code into the transport: a libuv callback or a scheduler work item.</summary>
    public const string UnhandledException = "unhandled-exception";

    /// <summary>Work left the simulation's thread (the thread pool, a timer of the OS).</summary>
    public const string ThreadEscape = "thread-escape";

    /// <summary>A rule of the simulated world was broken in a way no checker names (writes completed out of order, a run that queued without end).</summary>
    public const string WorldRule = "world-rule";

    /// <summary>The scenario, a client or a checker threw: a bug in the simulation's own code, not in the engine.</summary>
    public const string DriverError = "driver-error";

    /// <summary>A fresh set of checkers for one run, in the order they see each event.</summary>
    public static IReadOnlyList<InvariantChecker> Create() =>
    [
        new WriteCompletesOnce(),
        new OutputBudget(),
        new WaitersFifo(),
        new WritesInFlight(),
        new WriteBuffersStable(),
        new ResponseMatchesApp(),
        new OneResponsePerRequest(),
        new InputBackpressure(),
        new EndTransitions(),
        new HandleLifecycle(),
        new CleanStop(),
        new PoolBlocksReturned(),
        new ContinueRules(),
        new QuietLog(),
        new TimeoutsOnTime(),
        new ResponseRate(),
        new CutOffOnTime(),
        new ConnectionLimits(),
        new Liveness(),
    ];

    /// <summary>Every invariant's name: the checkers', then the world's.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Create().Select(c => c.Name), UnhandledException, ThreadEscape, WorldRule, DriverError];
}
