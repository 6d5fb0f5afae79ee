using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Testbed.Cli.Routes;
using Testbed.Engine.App;
using Testbed.Engine.Hosting;
using Testbed.Transports.Native;

namespace Testbed.Specs.Integration.Support;

/// <summary>
/// A real <see cref="TestbedServer"/> on native libuv, listening on 127.0.0.1 port 0 with two loop threads,
/// built through the same DI registration an application uses. Its log is captured so specs can assert on
/// errors. Dispose stops it; disposing clients first keeps the stop from waiting on their lingering sockets.
/// </summary>
internal sealed class LiveServer : IAsyncLifetime, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private bool _started;
    private bool _stopped;

    public LiveServer(RequestDelegate application, Action<TestbedServerOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Log));
        services
            .AddTestbedServer(o =>
            {
                o.EndPoint = new IPEndPoint(IPAddress.Loopback, 0);
                o.ThreadCount = 2;
                configure?.Invoke(o);
            })
            .UseApplication(application)
            .UseNativeLibuv();
        _services = services.BuildServiceProvider();
        Server = _services.GetRequiredService<TestbedServer>();
    }

    public TestbedServer Server { get; }

    public CapturedLog Log { get; } = new();

    public IPEndPoint EndPoint => Server.EndPoint ?? throw new InvalidOperationException("the server is not started");

    public Uri BaseAddress => new($"http://{EndPoint}/");

    /// <summary>A started server running <paramref name="application"/>.</summary>
    public static async Task<LiveServer> StartAsync(RequestDelegate application, Action<TestbedServerOptions>? configure = null)
    {
        var server = new LiveServer(application, configure);
        await server.InitializeAsync();
        return server;
    }

    /// <summary>A started server running the CLI's built-in routes (/plaintext, /echo, /bytes/N).</summary>
    public static Task<LiveServer> StartBuiltInRoutesAsync(Action<TestbedServerOptions>? configure = null) =>
        StartAsync(new BuiltInRoutes(null).HandleAsync, configure);

    public async Task InitializeAsync()
    {
        await Server.StartAsync().WaitAsync(Bounded.Timeout);
        _started = true;
    }

    /// <summary>Stops the server (bounded) and returns how long the stop took.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        var start = TimeProvider.System.GetTimestamp();
        _stopped = true;
        await Server.StopAsync().WaitAsync(Bounded.Timeout);
        return TimeProvider.System.GetElapsedTime(start);
    }

    /// <summary>An HttpClient on its own SocketsHttpHandler, aimed at this server, with bounded timeouts and no proxy.</summary>
    public HttpClient CreateHttpClient(int maxConnections = int.MaxValue) =>
        new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = Bounded.Timeout, MaxConnectionsPerServer = maxConnections })
        {
            BaseAddress = BaseAddress,
            Timeout = Bounded.Timeout,
        };

    /// <summary>A raw client socket connected to this server.</summary>
    public Task<RawConnection> ConnectAsync(int? receiveBufferSize = null) => RawConnection.OpenAsync(EndPoint, receiveBufferSize);

    /// <summary>Waits until the server has no open connection.</summary>
    public Task WaitForNoConnectionsAsync() =>
        Bounded.UntilAsync(() => Server.OpenConnections == 0, "the server's connections to close");

    public async Task DisposeAsync()
    {
        try
        {
            if (_started && !_stopped)
            {
                await StopAsync();
            }
        }
        finally
        {
            await _services.DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}
