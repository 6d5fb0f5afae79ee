using System.Net;
using Microsoft.Extensions.Logging;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock.Hosting;

/// <summary>
/// Engine logging under simulation: Debug and above go into the trace (message only: exception text carries
/// stack traces that change with every build; endpoints masked: ports never reach the trace), Warning and
/// above are kept so a spec can require none, and every entry that is enabled goes to the observers.
/// </summary>
internal sealed class TraceLoggerProvider(Simulation simulation) : ILoggerProvider, ILoggerFactory
{
    /// <summary>Every Warning, Error and Critical message, with its exception type.</summary>
    public List<string> Problems { get; } = [];

    private bool TraceEnabled => simulation.Trace.Enabled;

    public ILogger CreateLogger(string categoryName) => new TraceLogger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the simulation logs only to its trace");

    public void Dispose()
    {
    }

    private void Log(LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        var suffix = exception is null ? string.Empty : $" [{exception.GetType().Name}: {exception.Message}]";
        simulation.Trace.Add($"log {level} {message}{suffix}");
        if (level >= LogLevel.Warning)
        {
            Problems.Add($"{level}: {message}{suffix}");
        }

        simulation.Notify(
            ObserverCall.Logged,
            static (o, a) => o.Logged(a.Level, a.EventId, a.Message, a.Exception, a.Fields),
            (Level: level, EventId: eventId, Message: message, Exception: exception, Fields: fields));
    }

    private sealed class TraceLogger(TraceLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // With the trace off only problems are kept, so lower levels are not even formatted.
        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= LogLevel.Warning || (logLevel >= LogLevel.Debug && owner.TraceEnabled);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                IReadOnlyList<KeyValuePair<string, object?>> fields = state is IEnumerable<KeyValuePair<string, object?>> values ? [.. values] : [];
                owner.Log(logLevel, eventId, WithoutEndPoints(state, formatter(state, exception)), exception, fields);
            }
        }

        // A port-0 bind gets whichever port the mock hands out, and a host's ports are no event of the simulation.
        private static string WithoutEndPoints<TState>(TState state, string message)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (_, value) in values)
                {
                    if (value is EndPoint endPoint && endPoint.ToString() is { Length: > 0 } text)
                    {
                        message = message.Replace(text, "<endpoint>", StringComparison.Ordinal);
                    }
                }
            }

            return message;
        }
    }
}
