using System.Globalization;

namespace Testbed.Engine.Infrastructure;

/// <summary>The IMF-fixdate for the Date header (RFC 9110 §5.6.7), re-formatted at most once per second.</summary>
internal sealed class DateHeaderCache(TimeProvider time)
{
    private (long Second, string Value) _cached = (long.MinValue, string.Empty);

    public string Value
    {
        get
        {
            var now = time.GetUtcNow();
            var second = now.ToUnixTimeSeconds();
            var cached = _cached;
            if (cached.Second != second)
            {
                cached = (second, now.ToString("r", CultureInfo.InvariantCulture));
                _cached = cached;
            }

            return cached.Value;
        }
    }
}
