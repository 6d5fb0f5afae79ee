using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock.Support;

internal static class SimulatedServerExtensions
{
    /// <summary>
    /// Starts a graceful stop inside the simulation without running it to the end, so a spec can act (answer a
    /// FIN, finish a body, complete held writes) while the stop is under way.
    /// </summary>
    public static Task BeginStop(this SimulatedServer server)
    {
        Task stop = Task.CompletedTask;
        server.Simulation.Run(() =>
        {
            stop = server.Server.StopAsync();
            return Task.CompletedTask;
        });
        return stop;
    }

    /// <summary>Runs the simulation until a stop begun with <see cref="BeginStop"/> is over; rethrows its failure.</summary>
    public static void FinishStop(this SimulatedServer server, Task stop)
    {
        server.Simulation.RunUntil(() => stop.IsCompleted);
        stop.GetAwaiter().GetResult();
    }

    /// <summary>What every stop must leave behind: no open handle and every loop closed.</summary>
    public static void AssertEverythingClosed(this SimulatedServer server)
    {
        Assert.Equal(0, server.Simulation.Libuv.OpenHandles);
        Assert.True(server.Simulation.Libuv.AllLoopsClosed, "every loop closed");
    }
}
