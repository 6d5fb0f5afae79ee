namespace Testbed.Engine.Infrastructure;

/// <summary>
/// The slowest a peer may move data once a grace period has passed (Kestrel's <c>MinDataRate</c>): a body
/// that arrives, or a response that is taken, more slowly than <see cref="BytesPerSecond"/> averaged over the
/// time measured is cut off. The grace period lets a connection start slowly (TCP slow start, a busy client).
/// </summary>
public sealed record MinDataRate
{
    public MinDataRate(double bytesPerSecond, TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        BytesPerSecond = bytesPerSecond;
        GracePeriod = gracePeriod;
    }

    public double BytesPerSecond { get; }

    public TimeSpan GracePeriod { get; }

    /// <summary>Whether <paramref name="bytes"/> moved in <paramref name="elapsed"/> falls short, once the grace period is over.</summary>
    public bool TooSlow(long bytes, TimeSpan elapsed) => elapsed > GracePeriod && Below(bytes, elapsed);

    /// <summary>Whether <paramref name="bytes"/> in <paramref name="elapsed"/> is under the rate, grace period aside.</summary>
    public bool Below(long bytes, TimeSpan elapsed) => bytes < BytesPerSecond * elapsed.TotalSeconds;
}
