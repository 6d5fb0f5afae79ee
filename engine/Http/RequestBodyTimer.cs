using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Http;

/// <summary>
/// Holds a request body to MinRequestBodyDataRate (Kestrel's rule): only time the app spends waiting for body
/// bytes counts, and once that time passes the grace period the bytes received must keep up with the rate.
/// Before each wait it puts the connection under a <see cref="ConnectionTimeout.RequestBody"/> deadline at the
/// moment the rate would be broken if nothing more arrived; the heartbeat enforces it. Runs on the scheduler.
/// </summary>
internal sealed class RequestBodyTimer(Connection connection, MinDataRate rate, TimeProvider time)
{
    private TimeSpan _waited;
    private long _received;
    private long _waitStartedAt;

    /// <summary>
    /// The app is about to wait for body bytes. A body already too slow (bytes trickling in, each wait short, the
    /// sum of them long) fails here; otherwise the deadline is set for when the rate would break.
    /// </summary>
    public void WaitStarting()
    {
        if (TooSlow)
        {
            throw new BadHttpRequestException(408, "Request body arrived too slowly.");
        }

        // Broken once total waiting passes both the grace period and the time the bytes so far would take at the rate.
        var brokenAfter = TimeSpan.FromSeconds(Math.Max(rate.GracePeriod.TotalSeconds, _received / rate.BytesPerSecond));
        var allowance = brokenAfter - _waited;
        Invariant.Assert(allowance >= TimeSpan.Zero, "a wait starts only on a body that still keeps up");
        connection.SetTimeout(ConnectionTimeout.RequestBody, allowance);
        _waitStartedAt = time.GetTimestamp();
    }

    /// <summary>The wait is over (bytes came, the read was cancelled, or the input ended).</summary>
    public void WaitEnded()
    {
        connection.SetTimeout(ConnectionTimeout.None, TimeSpan.Zero);
        _waited += time.GetElapsedTime(_waitStartedAt);
    }

    /// <summary>Body bytes (framing included) taken from the input.</summary>
    public void Received(long bytes)
    {
        Invariant.Assert(bytes >= 0);
        _received += bytes;
    }

    /// <summary>Whether the body has fallen below the rate over the time spent waiting for it.</summary>
    public bool TooSlow => rate.TooSlow(_received, _waited);
}
