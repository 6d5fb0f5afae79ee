using System.Net;
using Microsoft.Extensions.Options;
using Testbed.Engine.App;
using Testbed.Engine.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Transports.Mock.Hosting;

/// <summary>
/// The unchanged <see cref="TestbedServer"/> on a <see cref="Simulation"/>: start it, connect clients, drive
/// the clock, stop it. Stopping checks what a clean shutdown promises: every handle closed, every loop closed.
/// </summary>
public sealed class SimulatedServer
{
    /// <summary>The port simulated servers listen on; it never reaches the trace.</summary>
    public const int Port = 8080;

    private SimulatedServer(Simulation simulation, TestbedServer server, TraceLoggerProvider log)
    {
        Simulation = simulation;
        Server = server;
        Log = log;
    }

    public Simulation Simulation { get; }

    public TestbedServer Server { get; }

    /// <summary>The engine's log; <see cref="TraceLoggerProvider.Problems"/> lists warnings and errors.</summary>
    internal TraceLoggerProvider Log { get; }

    /// <summary>
    /// Builds the server on <paramref name="simulation"/>'s transport, scheduler and clock, and runs the
    /// simulation until it listens. One loop thread unless <paramref name="configure"/> says otherwise.
    /// </summary>
    public static SimulatedServer Start(Simulation simulation, RequestDelegate application, Action<TestbedServerOptions>? configure = null)
    {
        var options = new TestbedServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, Port), ThreadCount = 1 };
        configure?.Invoke(options);
        simulation.Trace.Header($"threads {options.ThreadCount}, response buffer {Describe(options.Limits.MaxResponseBufferSize)}, request buffer {Describe(options.Limits.MaxRequestBufferSize)}");
        var log = new TraceLoggerProvider(simulation);
        var server = new TestbedServer(
            simulation.Libuv,
            simulation.Scheduler,
            simulation.Time,
            Options.Create(options),
            application,
            log,
            new TraceServerEvents(simulation));
        simulation.Run(() => server.StartAsync());
        return new SimulatedServer(simulation, server, log);
    }

    /// <summary>Connects a client; it is accepted once the simulation runs. <paramref name="holdWrites"/> keeps the server's writes in flight until the spec completes them.</summary>
    public SimConnection Connect(bool holdWrites = false) => Simulation.Network.Connect(Port, holdWrites);

    /// <summary>Gracefully stops the server within the simulation and checks every handle and loop closed.</summary>
    public void Stop() => FinishStop(BeginStop());

    /// <summary>
    /// Starts a graceful stop without running it to the end, so a spec can act (answer a FIN, finish a body,
    /// complete held writes) while the stop is under way; <see cref="FinishStop"/> ends it.
    /// </summary>
    public Task BeginStop() => Simulation.Start(() => Server.StopAsync());

    /// <summary>Runs until a stop begun with <see cref="BeginStop"/> is over, rethrows its failure, and checks every handle and loop closed.</summary>
    public void FinishStop(Task stop)
    {
        Simulation.RunUntil(() => stop.IsCompleted);
        stop.GetAwaiter().GetResult();
        Simulation.Check(Simulation.Libuv.OpenHandles == 0, $"{Simulation.Libuv.OpenHandles} handles still open after stop");
        Simulation.Check(Simulation.Libuv.AllLoopsClosed, "a loop did not close after stop");
    }

    private static string Describe(long? limit) => limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited";
}
