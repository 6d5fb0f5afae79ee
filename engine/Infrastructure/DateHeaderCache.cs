using System.Globalization;
using System.Text;

namespace Testbed.Engine.Infrastructure;

/// <summary>
/// The Date field line (RFC 9110 §5.6.7's IMF-fixdate) as the response head's bytes, made again at most once
/// per second of the clock. Responses are produced on any thread: the cached line is one immutable object,
/// swapped whole, so a reader never sees one second's number with another second's bytes.
/// </summary>
internal sealed class DateHeaderCache(TimeProvider time)
{
    private Entry _cached = new(long.MinValue, []);

    /// <summary><c>Date: Tue, 01 Dec 2026 18:49:00 GMT\r\n</c> for the current second.</summary>
    public byte[] Line
    {
        get
        {
            var now = time.GetUtcNow();
            var second = now.ToUnixTimeSeconds();
            var cached = Volatile.Read(ref _cached);
            if (cached.Second != second)
            {
                cached = new Entry(second, Encoding.Latin1.GetBytes($"Date: {now.ToString("r", CultureInfo.InvariantCulture)}\r\n"));
                Volatile.Write(ref _cached, cached);
            }

            Invariant.Assert(cached.Line.Length == "Date: Tue, 01 Dec 2026 18:49:00 GMT\r\n".Length);
            return cached.Line;
        }
    }

    private sealed record Entry(long Second, byte[] Line);
}
