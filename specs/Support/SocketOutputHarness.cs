using Microsoft.Extensions.Logging;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Specs.Support;

/// <summary>
/// A <see cref="SocketOutput"/> on a <see cref="LoopThread"/> over <see cref="ManualLibuv"/> and
/// <see cref="ManualScheduler"/>: the spec's thread is the loop thread, and nothing happens until the spec says so.
/// </summary>
public sealed class SocketOutputHarness : IDisposable
{
    public const long DefaultBudget = 64 * 1024;

    private readonly List<byte> _written = [];

    public SocketOutputHarness(long? budget = DefaultBudget)
    {
        Thread = new LoopThread(Uv, Scheduler, "spec-loop", Log);
        var started = Thread.StartAsync();
        Settle();
        Assert.True(started.IsCompletedSuccessfully);
        Socket = new UvTcpHandle(Thread.Loop);
        Events = new RecordingOutputEvents(() => Uv.Wire.Length);
        Output = new SocketOutput(Thread, Socket, Pool, budget, Events);
    }

    public ManualLibuv Uv { get; } = new();

    public ManualScheduler Scheduler { get; } = new();

    public SlabMemoryPool Pool { get; } = new();

    public ErrorLog Log { get; } = new();

    public LoopThread Thread { get; }

    public UvTcpHandle Socket { get; }

    public RecordingOutputEvents Events { get; }

    public SocketOutput Output { get; }

    /// <summary>Everything the app handed to <see cref="SocketOutput.WriteAsync"/>, in order.</summary>
    public byte[] Written => [.. _written];

    /// <summary>
    /// The app writes the next <paramref name="length"/> bytes of a position-dependent pattern, so a lost,
    /// duplicated or reordered byte shows on the wire.
    /// </summary>
    public Task Write(int length, bool immediate = true)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)((_written.Count + i) % 251);
        }

        _written.AddRange(data);
        return Output.WriteAsync(data, immediate);
    }

    /// <summary>Runs loop callbacks and scheduled work until both are idle; fails on anything the engine logged as an error.</summary>
    public void Settle()
    {
        RunToIdle();

        // LoopThread logs and swallows exceptions from posted work; a spec must not.
        Assert.Empty(Log.Errors);
    }

    /// <summary>Completes the oldest uv_write, then settles.</summary>
    public ManualLibuv.WriteRecord Complete(int status = 0)
    {
        var write = Uv.CompleteNextWrite(status);
        Settle();
        return write;
    }

    /// <summary>Completes uv_writes (new ones included) until none is in flight.</summary>
    public void CompleteAll()
    {
        while (Uv.WritesInFlight > 0)
        {
            Complete();
        }
    }

    public void Dispose()
    {
        if (!Socket.IsClosing)
        {
            Socket.Close();
        }

        Thread.Stop();
        RunToIdle();
    }

    private void RunToIdle()
    {
        while (Uv.RunUntilIdle() + Scheduler.RunAll() > 0)
        {
        }
    }
}

/// <summary>The output's events, each with the number of bytes the peer had received when it fired.</summary>
public sealed class RecordingOutputEvents(Func<int> wireLength) : IOutputEvents
{
    public List<int> WriteFailures { get; } = [];

    public List<(string Event, int WireBytes)> Ends { get; } = [];

    public void OnWriteFailed(int status) => WriteFailures.Add(status);

    public void OnShutdownSend() => Ends.Add((nameof(OnShutdownSend), wireLength()));

    public void OnDisconnect() => Ends.Add((nameof(OnDisconnect), wireLength()));
}

/// <summary>A logger that keeps errors, so a spec sees exceptions the engine logs instead of throwing.</summary>
public sealed class ErrorLog : ILogger
{
    public List<string> Errors { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Errors.Add(formatter(state, exception) + (exception is null ? string.Empty : ": " + exception));
        }
    }
}
