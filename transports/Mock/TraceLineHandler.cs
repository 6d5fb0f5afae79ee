using System.Globalization;
using System.Runtime.CompilerServices;

namespace Testbed.Transports.Mock;

/// <summary>
/// Lets <c>trace.Add($"...")</c> cost nothing when tracing is off: the string is only formatted when the
/// trace records, and always in the invariant culture.
/// </summary>
[InterpolatedStringHandler]
internal ref struct TraceLineHandler
{
    private DefaultInterpolatedStringHandler _inner;

    public TraceLineHandler(int literalLength, int formattedCount, SimulationTrace trace, out bool enabled)
    {
        enabled = trace.Enabled;
        _inner = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
    }

    public void AppendLiteral(string value) => _inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    /// <summary>The formatted message, until <see cref="Clear"/>.</summary>
    internal ReadOnlySpan<char> Text => _inner.Text;

    internal void Clear() => _inner.Clear();
}
