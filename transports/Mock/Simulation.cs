using System.Collections.Concurrent;
using Testbed.Transports.Mock.Network;

namespace Testbed.Transports.Mock;

/// <summary>
/// One deterministic world: a virtual clock, one queue of events ordered by (virtual time, sequence), one seeded
/// PRNG and one trace. Everything — libuv callbacks, timers, scheduler work — runs on the thread that created
/// the simulation, inside its Run methods, with no SynchronizationContext installed. Work a run queues to the
/// thread pool fails the run at the event that queued it (<see cref="ThreadPoolEscapeListener"/>), and so does
/// any call into the mock from another thread.
/// </summary>
public sealed class Simulation
{
    private readonly EventQueue _queue = new();
    private readonly ConcurrentQueue<string> _escapes = new();
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private readonly Prng _random;
    private long _now;

    public Simulation(ulong seed, SimulationOptions? options = null)
    {
        Seed = seed;
        Options = options ?? new SimulationOptions();
        _random = new Prng(seed);
        Trace = new SimulationTrace(() => _now, Options.Trace);
        Trace.Header("testbed simulation trace v1");
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

    public SimulationScheduler Scheduler { get; }

    public VirtualTimeProvider Time { get; }

    public MockNetwork Network { get; }

    /// <summary>Virtual microseconds since the simulation began.</summary>
    public long NowMicros => _now;

    /// <summary>Events executed so far, over all runs.</summary>
    public long EventsRun { get; private set; }

    /// <summary>True when only timers are queued: nothing happens until virtual time passes.</summary>
    public bool IsIdle => _queue.Busy == 0;

    /// <summary>A seeded draw in [0, <paramref name="exclusiveMax"/>), traced with the decision it makes.</summary>
    public long Choose(string decision, long exclusiveMax)
    {
        var value = _random.Next(exclusiveMax);
        Trace.Add($"rng {decision}={value}/{exclusiveMax}");
        return value;
    }

    /// <summary>A draw in [min, max] microseconds; no draw (and no trace line) when the range is one value.</summary>
    public long Between(string decision, (long Min, long Max) range) =>
        range.Max <= range.Min ? range.Min : range.Min + Choose(decision, range.Max - range.Min + 1);

    /// <summary>True with probability <paramref name="chance"/>; no draw when the chance is 0.</summary>
    public bool Chance(string decision, double chance) =>
        chance > 0 && Choose(decision, 1_000_000) < (long)(chance * 1_000_000);

    /// <summary>Queues work to run <paramref name="delayMicros"/> from now, after everything queued for the same moment.</summary>
    public void Enqueue(long delayMicros, EventKind kind, Action<object?> work, object? state)
    {
        AssertOnSimulationThread("queueing an event");
        Check(delayMicros >= 0, "events cannot be queued in the past");
        _queue.Enqueue(_now + delayMicros, kind, work, state);
    }

    /// <summary>Runs events, letting virtual time pass, until only timers remain; returns how many ran.</summary>
    public long RunUntilIdle() => RunWhile(() => _queue.Busy > 0, long.MaxValue);

    /// <summary>Runs every event due within <paramref name="duration"/> of virtual time, then sets the clock to its end.</summary>
    public void AdvanceBy(TimeSpan duration)
    {
        var end = checked(_now + (long)(duration.TotalMilliseconds * 1000));
        RunWhile(() => _queue.TryPeekTime(out var next) && next <= end, end);
        _now = end;
    }

    /// <summary>Runs until <paramref name="condition"/> holds; fails if the queue empties or <paramref name="within"/> of virtual time passes first.</summary>
    public void RunUntil(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = checked(_now + (long)((within ?? TimeSpan.FromHours(1)).TotalMilliseconds * 1000));
        RunWhile(() => !condition(), deadline);
        if (!condition())
        {
            var why = _queue.TryPeekTime(out var next) ? $"the next event is at {next} µs, past the deadline {deadline} µs" : "nothing left to run";
            throw new SimulationException($"condition not met at {_now} µs (seed {Seed}): {why}");
        }
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
        using (EnterRun())
        {
            return start();
        }
    }

    /// <summary>Fails the run if work escaped to another thread; called by every entry point of the mock.</summary>
    public void AssertOnSimulationThread(string what)
    {
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            var message = $"{what} ran off the simulation thread: work escaped to another thread";
            _escapes.Enqueue(message);
            throw new SimulationException(message);
        }
    }

    /// <summary>Records an escape seen where throwing is impossible; the run fails once the current event ends.</summary>
    internal void ReportEscape(string what) =>
        _escapes.Enqueue($"{what} from the simulation thread: work escaped to another thread");

    internal static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new SimulationException(message);
        }
    }

    private long RunWhile(Func<bool> keepGoing, long deadline)
    {
        using var scope = EnterRun();
        long ran = 0;
        while (keepGoing() && _queue.TryPeekTime(out var next) && next <= deadline)
        {
            // Not Check(...): its message would be formatted before every event.
            if (++ran > Options.MaxEventsPerRun)
            {
                throw new SimulationException($"the run did not settle within {Options.MaxEventsPerRun} events");
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
        catch (Exception ex) when (ex is not SimulationException)
        {
            // Name where it happened: with the seed, that is enough to replay the run to this very event.
            throw new SimulationException($"event {EventsRun} at {_now} µs (seed {Seed}) threw {ex.GetType().Name}: {ex.Message}", ex);
        }

        ThrowIfEscaped();
        Libuv.AfterEvent();
    }

    private void ThrowIfEscaped()
    {
        if (_escapes.TryPeek(out var escape))
        {
            throw new SimulationException(escape);
        }
    }

    private RunScope EnterRun()
    {
        AssertOnSimulationThread("a simulation run");
        ThrowIfEscaped();

        // A custom context (xunit installs one) would send ConfigureAwait(false) continuations to the thread pool.
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        Check(TaskScheduler.Current == TaskScheduler.Default, "a simulation must run on the default TaskScheduler");
        return new RunScope(previous, ThreadPoolEscapeListener.Enter(this));
    }

    private readonly struct RunScope(SynchronizationContext? previous, Simulation? previousRun) : IDisposable
    {
        public void Dispose()
        {
            ThreadPoolEscapeListener.Enter(previousRun);
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
