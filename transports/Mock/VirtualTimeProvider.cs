using System.Globalization;
namespace Testbed.Transports.Mock;

/// <summary>
/// The engine's <see cref="TimeProvider"/> under simulation: timestamps are virtual microseconds, the wall clock
/// starts at <see cref="SimulationOptions.Epoch"/>, and timers are events on the simulation's queue.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    /// <summary>The default virtual wall clock at time zero (<see cref="SimulationOptions.Epoch"/>); fixed so Date headers are the same in every run.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Simulation _simulation;
    private long _lastTimerId;

    internal VirtualTimeProvider(Simulation simulation) => _simulation = simulation;

    public override long TimestampFrequency => 1_000_000;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long GetTimestamp()
    {
        _simulation.AssertOnSimulationThread("TimeProvider.GetTimestamp");
        return _simulation.NowMicros;
    }

    public override DateTimeOffset GetUtcNow()
    {
        _simulation.AssertOnSimulationThread("TimeProvider.GetUtcNow");
        return _simulation.Options.Epoch.AddTicks(_simulation.NowMicros * 10);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _simulation.AssertOnSimulationThread("TimeProvider.CreateTimer");
        var timer = new VirtualTimer(_simulation, ++_lastTimerId, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>A TimeProvider timer: each Change queues a new firing and makes the earlier one stale.</summary>
    private sealed class VirtualTimer(Simulation simulation, long id, TimerCallback callback, object? state) : ITimer
    {
        private long _generation;
        private long _periodMicros;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            simulation.AssertOnSimulationThread("ITimer.Change");
            if (_disposed)
            {
                return false;
            }

            _generation++;
            _periodMicros = period == Timeout.InfiniteTimeSpan ? 0 : Micros(period);
            simulation.Trace.Add($"time.timer tt{id} due={(dueTime == Timeout.InfiniteTimeSpan ? "never" : Micros(dueTime).ToString(CultureInfo.InvariantCulture))} period={_periodMicros}");
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Arm(Micros(dueTime));
            }

            return true;
        }

        public void Dispose()
        {
            simulation.AssertOnSimulationThread("ITimer.Dispose");
            if (!_disposed)
            {
                _disposed = true;
                _generation++;
                simulation.Trace.Add($"time.timer_dispose tt{id}");
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm(long delay)
        {
            var generation = _generation;
            simulation.Enqueue(delay, EventKind.Timer, _ => Fire(generation), null);
        }

        private void Fire(long generation)
        {
            if (generation != _generation || _disposed)
            {
                return;
            }

            simulation.Trace.Add($"time.fire tt{id}");
            if (_periodMicros > 0)
            {
                Arm(_periodMicros);
            }

            callback(state);
        }

        private static long Micros(TimeSpan span) => Math.Max(0, span.Ticks / 10);
    }
}
