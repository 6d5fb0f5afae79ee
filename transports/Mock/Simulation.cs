using System.Collections.Concurrent;
using System.Reflection;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock;

/// <summary>
/// One deterministic world: a virtual clock, one queue of events ordered by (virtual time, sequence), named
/// streams of seeded choices and one trace. Everything — libuv callbacks, timers, scheduler work — runs on the
/// thread that created the simulation, inside its Run methods, with no SynchronizationContext installed. Work a
/// run queues to the thread pool fails the run at the event that queued it (<see cref="ThreadPoolEscapeListener"/>),
/// and so does any call into the mock from another thread.
/// </summary>
public sealed class Simulation
{
    /// <summary>The global streams; each connection has its own <c>net.kN</c> and <c>faults.kN</c>, each client its own.</summary>
    public const string NetworkStream = "net";
    public const string FaultStream = "faults";
    public const string SchedulerStream = "sched";

    private readonly EventQueue _queue = new();
    private readonly ConcurrentQueue<string> _escapes = new();
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private readonly IChoiceSource _choices;
    private readonly Dictionary<string, ChoiceStream> _streams = [];
    private static readonly ConcurrentDictionary<Type, bool[]> OverridesByType = new();
    private readonly SimulationObserver[][] _observersByCall = [.. Enumerable.Repeat<SimulationObserver[]>([], Enum.GetValues<ObserverCall>().Length)];
    private InvariantViolation? _violation;
    private int _runDepth;
    private long _now;
    private Func<bool>? _busy;

    public Simulation(ulong seed, SimulationOptions? options = null, IChoiceSource? choices = null)
    {
        Seed = seed;
        Options = options ?? new SimulationOptions();
        _choices = choices ?? new SeededChoices(seed);
        Trace = new SimulationTrace(() => _now, Options.Trace, Options.MaxTraceChars);
        Trace.Header("testbed simulation trace v2");
        Trace.Header($"seed {seed}");
        Libuv = new MockLibuv(this);
        Scheduler = new SimulationScheduler(this);
        Time = new VirtualTimeProvider(this);
        Network = new MockNetwork(this);
    }

    public ulong Seed { get; }

    public SimulationOptions Options { get; }

    public SimulationTrace Trace { get; }

    public MockLibuv Libuv { get; }

    internal SimulationScheduler Scheduler { get; }

    public VirtualTimeProvider Time { get; }

    public MockNetwork Network { get; }

    /// <summary>Virtual microseconds since the simulation began.</summary>
    public long NowMicros => _now;

    /// <summary>Events executed so far, over all runs.</summary>
    public long EventsRun { get; private set; }

    /// <summary>True when only timers are queued: nothing happens until virtual time passes.</summary>
    public bool IsIdle => _queue.Busy == 0;

    /// <summary>True once <see cref="StopFaults"/> ended the world's faults.</summary>
    public bool FaultsStopped { get; private set; }

    /// <summary>The stream of choices named <paramref name="name"/>, opened on first use; its draws are traced.</summary>
    public ChoiceStream Stream(string name)
    {
        if (!_streams.TryGetValue(name, out var stream))
        {
            stream = new ChoiceStream(name, _choices.Open(name), Trace);
            _streams.Add(name, stream);
        }

        return stream;
    }

    /// <summary>Subscribes <paramref name="observer"/> to every event of the run from now on.</summary>
    public void Observe(SimulationObserver observer)
    {
        AssertOnSimulationThread("Simulation.Observe");
        var overrides = Overrides(observer.GetType());
        for (var call = 0; call < _observersByCall.Length; call++)
        {
            if (overrides[call])
            {
                _observersByCall[call] = [.. _observersByCall[call], observer];
            }
        }
    }

    /// <summary>
    /// Reports a broken invariant. Only the first counts; the run stops once the current event is over (at once
    /// when no event is running), so an engine that catches exceptions cannot swallow the report.
    /// </summary>
    public void Fail(string invariant, string detail)
    {
        _violation ??= new InvariantViolation(invariant, detail, EventsRun, _now, Trace.Count);
        if (_runDepth == 0)
        {
            throw _violation;
        }
    }

    /// <summary>
    /// Ends the world's faults for a run's liveness phase: no more failures, delays, holds, fragments, empty reads,
    /// jitter, late timers or accept errors, and every write held by a fault is released now.
    /// </summary>
    public void StopFaults()
    {
        AssertOnSimulationThread("Simulation.StopFaults");
        if (FaultsStopped)
        {
            return;
        }

        FaultsStopped = true;
        Trace.Add($"faults.stop");
        foreach (var connection in Network.Connections)
        {
            connection.ReleaseHeldWrites();
        }
    }

    /// <summary>Queues work to run <paramref name="delayMicros"/> from now, after everything queued for the same moment.</summary>
    public void Enqueue(long delayMicros, EventKind kind, Action<object?> work, object? state)
    {
        AssertOnSimulationThread("queueing an event");
        Check(delayMicros >= 0, "events cannot be queued in the past");
        _queue.Enqueue(_now + delayMicros, kind, work, state);
    }

    /// <summary>Runs events, letting virtual time pass, until only timers remain; returns how many ran.</summary>
    public long RunUntilIdle() => RunWhile(_busy ??= () => _queue.Busy > 0, stopWhen: false, long.MaxValue);

    /// <summary>Runs every event due within <paramref name="duration"/> of virtual time, then sets the clock to its end.</summary>
    public void AdvanceBy(TimeSpan duration)
    {
        var end = checked(_now + (long)(duration.TotalMilliseconds * 1000));
        RunWhile(static () => true, stopWhen: false, end);
        _now = end;
    }

    /// <summary>Runs until <paramref name="condition"/> holds; fails if the queue empties or <paramref name="within"/> of virtual time passes first.</summary>
    public void RunUntil(Func<bool> condition, TimeSpan? within = null)
    {
        if (!TryRunUntil(condition, within ?? TimeSpan.FromHours(1), out var why))
        {
            throw new SimulationException($"condition not met at {_now} µs (seed {Seed}): {why}", failure: SimulationFailure.NotSettled);
        }
    }

    /// <summary>Like <see cref="RunUntil"/>, but says why the condition was not met instead of throwing.</summary>
    public bool TryRunUntil(Func<bool> condition, TimeSpan within, out string why)
    {
        var deadline = checked(_now + (long)(within.TotalMilliseconds * 1000));
        RunWhile(condition, stopWhen: true, deadline);
        why = condition() ? string.Empty
            : _queue.TryPeekTime(out var next) ? $"the next event is at {next} µs, past the deadline {deadline} µs"
            : "nothing left to run";
        return why.Length == 0;
    }

    /// <summary>Starts <paramref name="start"/> inside the simulation and runs until its task completes; rethrows its failure.</summary>
    public void Run(Func<Task> start, TimeSpan? within = null)
    {
        var task = Start(start);
        RunUntil(() => task.IsCompleted, within);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Starts <paramref name="start"/> inside the simulation without running any further: its task goes on as the simulation runs.</summary>
    public Task Start(Func<Task> start)
    {
        Task task;
        using (EnterRun())
        {
            task = start();
        }

        ThrowIfFailed();
        return task;
    }

    /// <summary>Fails the run if work escaped to another thread; called by every entry point of the mock.</summary>
    public void AssertOnSimulationThread(string what)
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            var message = $"{what} ran off the simulation thread: work escaped to another thread";
            _escapes.Enqueue(message);
            throw new SimulationException(message, failure: SimulationFailure.ThreadEscape);
        }
    }

    /// <summary>Records an escape seen where throwing is impossible; the run fails once the current event ends.</summary>
    internal void ReportEscape(string what) =>
        _escapes.Enqueue($"{what} from the simulation thread: work escaped to another thread");

    /// <summary>
    /// Tells every observer that overrides <paramref name="method"/>, in the order they were attached, by
    /// <paramref name="call"/>, a static lambda calling that method. The others would run the empty default: with
    /// twenty checkers, most events interest two or three, and the calls to the rest were a tenth of a run.
    /// </summary>
    internal void Notify<T>(ObserverCall method, Action<SimulationObserver, T> call, T argument)
    {
        foreach (var observer in _observersByCall[(int)method])
        {
            call(observer, argument);
        }
    }

    /// <summary>Which of <see cref="SimulationObserver"/>'s methods <paramref name="type"/> overrides, by <see cref="ObserverCall"/>.</summary>
    private static bool[] Overrides(Type type) => OverridesByType.GetOrAdd(type, static type =>
    {
        var overrides = new bool[Enum.GetValues<ObserverCall>().Length];
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.DeclaringType != typeof(SimulationObserver) && method.GetBaseDefinition().DeclaringType == typeof(SimulationObserver)
                && Enum.TryParse<ObserverCall>(method.Name, out var call))
            {
                overrides[(int)call] = true;
            }
        }

        return overrides;
    });

    /// <summary>The engine used libuv as libuv does not allow: traced and told to observers; the caller then answers as libuv would.</summary>
    internal void Misuse(LibuvMisuse kind, string call, string detail)
    {
        Trace.Add($"misuse {kind} {call}: {detail}");
        Notify(ObserverCall.Misuse, static (o, a) => o.Misuse(a.Kind, a.Call, a.Detail), (Kind: kind, Call: call, Detail: detail));
    }

    /// <summary><paramref name="chance"/> while the world's faults run, 0 once they stopped.</summary>
    internal double FaultChance(double chance) => FaultsStopped ? 0 : chance;

    internal static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new SimulationException(message);
        }
    }

    /// <summary>
    /// Runs events due by <paramref name="deadline"/> until <paramref name="condition"/> returns
    /// <paramref name="stopWhen"/>. Taking the condition as it is, not negated in a lambda, keeps a run call
    /// free of allocations (a request cycle on the mock allocates nothing).
    /// </summary>
    private long RunWhile(Func<bool> condition, bool stopWhen, long deadline)
    {
        using var scope = EnterRun();
        long ran = 0;
        while (condition() != stopWhen && _queue.TryPeekTime(out var next) && next <= deadline)
        {
            // Not Check(...): its message would be formatted before every event.
            if (++ran > Options.MaxEventsPerRun)
            {
                throw new SimulationException($"the run did not settle within {Options.MaxEventsPerRun} events", failure: SimulationFailure.NotSettled);
            }

            Step();
        }

        return ran;
    }

    private void Step()
    {
        var item = _queue.Dequeue(out var time);
        Check(time >= _now, "the clock went backwards");
        _now = time;
        EventsRun++;
        try
        {
            item.Work(item.State);
        }
        catch (Exception) when (_violation is not null)
        {
            // The event failed on a rule an observer had already named: the named violation is the report.
            throw _violation;
        }
        catch (Exception ex) when (ex is not SimulationException)
        {
            // Name where it happened: with the seed, that is enough to replay the run to this very event.
            throw new SimulationException($"event {EventsRun} at {_now} µs (seed {Seed}) threw {ex.GetType().Name}: {ex.Message}", ex, SimulationFailure.EventThrew);
        }

        ThrowIfFailed();
        Libuv.AfterEvent();
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        if (_violation is not null)
        {
            throw _violation;
        }

        if (_escapes.TryPeek(out var escape))
        {
            throw new SimulationException(escape, failure: SimulationFailure.ThreadEscape);
        }
    }

    private RunScope EnterRun()
    {
        AssertOnSimulationThread("a simulation run");
        ThrowIfFailed();

        // A custom context (xunit installs one) would send ConfigureAwait(false) continuations to the thread pool.
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        Check(TaskScheduler.Current == TaskScheduler.Default, "a simulation must run on the default TaskScheduler");
        _runDepth++;
        return new RunScope(this, previous, ThreadPoolEscapeListener.Enter(this));
    }

    private readonly struct RunScope(Simulation simulation, SynchronizationContext? previous, Simulation? previousRun) : IDisposable
    {
        public void Dispose()
        {
            simulation._runDepth--;
            ThreadPoolEscapeListener.Enter(previousRun);
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
