using System.Net;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Hosting;

/// <summary>Options for <see cref="TestbedServer"/>; bound from configuration section "Testbed" by the CLI.</summary>
public sealed class TestbedServerOptions
{
    /// <summary>Where to listen. Loopback by default: exposing the server is an explicit choice.</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 5000);

    /// <summary>
    /// Loop threads, each with its own listen socket. Defaults to 1: the engine never reads the machine's core
    /// count (a simulation must not depend on it); <c>testbed serve</c> passes the core count.
    /// </summary>
    public int ThreadCount { get; set; } = 1;

    public ServerLimits Limits { get; } = new();

    /// <summary>The Server response header.</summary>
    public string ServerHeader { get; set; } = "Testbed";

    /// <summary>How long a graceful stop waits for in-flight requests before aborting their connections.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether apps may call the synchronous Read, Write and Flush of the body streams. Off by default, as in
    /// Kestrel: a blocked call holds a scheduler thread (under the mock, the only thread there is) while it waits
    /// for the network; with it off such calls throw <see cref="InvalidOperationException"/> at once.
    /// </summary>
    public bool AllowSynchronousIO { get; set; }

    /// <summary>The listen backlog.</summary>
    public int Backlog { get; set; } = 511;
}
