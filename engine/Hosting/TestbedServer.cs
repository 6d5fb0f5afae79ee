using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Testbed.Engine.App;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Hosting;

/// <summary>
/// The HTTP/1.1 server: loop threads, one listen socket per loop, and the connections they accept.
/// It runs unchanged on the native and the mock transport.
/// </summary>
public sealed class TestbedServer
{
    private readonly ILibuv _uv;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly TestbedServerOptions _options;
    private readonly RequestDelegate _application;
    private readonly ILogger _logger;
    private readonly IServerEvents _events;
    private readonly ConnectionRegistry _registry;
    private readonly List<Listener> _listeners = [];
    private readonly List<LoopThread> _threads = [];

    public TestbedServer(ILibuv uv, IScheduler scheduler, TimeProvider time, IOptions<TestbedServerOptions> options, RequestDelegate application, ILoggerFactory loggers, IServerEvents? events = null)
    {
        _events = events ?? IServerEvents.None;
        _uv = uv;
        _scheduler = scheduler;
        _time = time;
        _options = options.Value;
        _application = application;
        _logger = loggers.CreateLogger("Testbed.Server");
        _registry = new ConnectionRegistry(scheduler);
        Invariant.Assert(_options.ThreadCount >= 1);
    }

    /// <summary>The endpoint actually bound (the real port when port 0 was configured).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>The pool behind every connection's buffers, for memory checks.</summary>
    public SlabMemoryPool Memory { get; } = new();

    /// <summary>Open connections right now.</summary>
    public int OpenConnections => _registry.Open;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Invariant.Assert(_threads.Count == 0, "server started twice");
        var context = new ConnectionContext(_application, _options.Limits, _time, Memory, _logger, _options.ServerHeader, _events)
        {
            AllowSynchronousIO = _options.AllowSynchronousIO,
        };
        for (var i = 0; i < _options.ThreadCount; i++)
        {
            var thread = new LoopThread(_uv, _scheduler, $"testbed-loop-{i}", _logger);
            _threads.Add(thread);
            await thread.StartAsync().ConfigureAwait(false);
            _listeners.Add(new Listener(thread, context, _registry));
        }

        var endPoint = _options.EndPoint;
        foreach (var listener in _listeners)
        {
            // The first bind resolves port 0 and proves the port free; the others share the port it got.
            var sharing = _listeners.Count == 1 ? PortSharing.Exclusive
                : listener == _listeners[0] ? PortSharing.FirstOfGroup
                : PortSharing.JoinGroup;
            var bindTo = endPoint;
            endPoint = await listener.Thread.InvokeAsync(() => listener.Start(bindTo, _options.Backlog, sharing)).ConfigureAwait(false);
        }

        EndPoint = endPoint;
        _logger.Listening(endPoint, _threads.Count);
    }

    /// <summary>
    /// Graceful stop: stop accepting, let in-flight requests finish within ShutdownTimeout (then abort
    /// what is left), close every handle and every loop.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var listener in _listeners)
        {
            await listener.Thread.InvokeAsync(() => Stop(listener)).ConfigureAwait(false);
        }

        if (!await WaitAsync(_registry.WhenDrained(), _options.ShutdownTimeout, cancellationToken).ConfigureAwait(false))
        {
            _logger.AbortingAfterShutdownTimeout(_registry.Open, _options.ShutdownTimeout);
            foreach (var listener in _listeners)
            {
                await listener.Thread.InvokeAsync(() => Abort(listener)).ConfigureAwait(false);
            }

            await _registry.WhenDrained().ConfigureAwait(false);
        }

        foreach (var thread in _threads)
        {
            thread.Stop();
            await thread.Stopped.ConfigureAwait(false);
        }

        // Every loop has ended: the next server in this process can reuse the pool's slabs.
        Memory.Dispose();
        _logger.Stopped();
    }

    private static bool Stop(Listener listener)
    {
        listener.StopAccepting();
        listener.RequestStop();
        return true;
    }

    private static bool Abort(Listener listener)
    {
        listener.AbortAll();
        return true;
    }

    private async Task<bool> WaitAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, _time, timer.Token);
        var winner = await Task.WhenAny(task, delay).ConfigureAwait(false);
        // Cancel, not CancelAsync: CancelAsync runs the delay's registration on the thread pool.
        timer.Cancel();
        return winner == task;
    }
}
