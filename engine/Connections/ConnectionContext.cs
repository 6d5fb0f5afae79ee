using Microsoft.Extensions.Logging;
using Testbed.Engine.App;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Connections;

/// <summary>What every connection on a server shares: the app, limits, time, memory and logging.</summary>
internal sealed class ConnectionContext(
    RequestDelegate application,
    ServerLimits limits,
    TimeProvider time,
    SlabMemoryPool memory,
    ILogger logger,
    string serverHeader,
    IServerEvents? events = null)
{
    /// <summary>Where the engine reports what it decided (the simulation's trace); <see cref="IServerEvents.None"/> by default.</summary>
    public IServerEvents Events { get; } = events ?? IServerEvents.None;

    public RequestDelegate Application { get; } = application;

    public ServerLimits Limits { get; } = limits;

    public TimeProvider Time { get; } = time;

    public SlabMemoryPool Memory { get; } = memory;

    public ILogger Logger { get; } = logger;

    /// <summary>The Server field line of every response head (<c>Server: Testbed\r\n</c>), encoded once.</summary>
    public byte[] ServerLine { get; } = System.Text.Encoding.Latin1.GetBytes($"Server: {serverHeader}\r\n");

    /// <summary>Whether the body streams' synchronous methods may block (<see cref="Hosting.TestbedServerOptions.AllowSynchronousIO"/>).</summary>
    public bool AllowSynchronousIO { get; init; }

    /// <summary>Formats and caches the Date field line once per second of <see cref="Time"/>.</summary>
    public DateHeaderCache DateHeader { get; } = new(time);
}
