using Testbed.Transports.Mock;

namespace Testbed.Specs.Mock.Support;

/// <summary>
/// A point an app waits at until the spec opens it. Opening is an event on the simulation, so the app resumes
/// inside a run on the simulation thread, never inline in the spec.
/// </summary>
internal sealed class SimGate(Simulation simulation)
{
    private readonly TaskCompletionSource _opened = new();

    /// <summary>The app has reached the gate.</summary>
    public bool Reached { get; private set; }

    public Task WaitAsync()
    {
        Reached = true;
        return _opened.Task;
    }

    /// <summary>Opens the gate and runs the simulation until it settles.</summary>
    public void Open()
    {
        simulation.Scheduler.Schedule(_ => _opened.SetResult(), null);
        simulation.RunUntilIdle();
    }
}
