using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Testbed.Transports.Mock.Hosting;

/// <summary>
/// Engine logging under simulation: Debug and above go into the trace (message only: exception text carries
/// stack traces that change with every build), and Warning and above are kept so a spec can require none.
/// Endpoints are rendered without their port, which must not reach a trace.
/// </summary>
public sealed partial class TraceLoggerProvider(Simulation simulation) : ILoggerProvider, ILoggerFactory
{
    /// <summary>Every Warning, Error and Critical message, with its exception type.</summary>
    public List<string> Problems { get; } = [];

    public ILogger CreateLogger(string categoryName) => new TraceLogger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the simulation logs only to its trace");

    public void Dispose()
    {
    }

    private void Log(LogLevel level, string message, Exception? exception)
    {
        var suffix = exception is null ? string.Empty : $" [{exception.GetType().Name}: {exception.Message}]";
        simulation.Trace.Add($"log {level} {message}{suffix}");
        if (level >= LogLevel.Warning)
        {
            Problems.Add($"{level}: {message}{suffix}");
        }
    }

    /// <summary>Formats a structured message from its template, so values can be rendered for the trace.</summary>
    private static string Render<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values
            || values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value is not string template)
        {
            return formatter(state, exception);
        }

        return Placeholder().Replace(template, match =>
        {
            var value = values.FirstOrDefault(v => v.Key == match.Groups[1].Value).Value;
            return value switch
            {
                IPEndPoint endPoint => endPoint.Address.ToString(),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? string.Empty,
            };
        });
    }

    [GeneratedRegex(@"\{([^{}:]+)\}")]
    private static partial Regex Placeholder();

    private sealed class TraceLogger(TraceLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Log(logLevel, Render(state, exception, formatter), exception);
            }
        }
    }
}
