using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Testbed.Specs.Support;

/// <summary>Collects log entries at or above a level, so a spec can assert that nothing was logged as an error.</summary>
public sealed class CollectingLoggerProvider(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collector(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue($"{logLevel} {System.Diagnostics.Stopwatch.GetTimestamp() / 1000000 % 100000000} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
