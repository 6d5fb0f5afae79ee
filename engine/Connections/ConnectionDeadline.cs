using Testbed.Engine.Infrastructure;

namespace Testbed.Engine.Connections;

/// <summary>
/// A connection's one deadline: which timeout it is under and when it expires, packed into a single value so
/// the scheduler side (which sets it) and the loop's heartbeat (which expires it) never see half of a change.
/// The heartbeat expires only the value it looked at: if the frame set a new deadline in between, the
/// compare-and-swap fails and the new deadline stands.
/// </summary>
internal sealed class ConnectionDeadline
{
    private const int KindBits = 3;
    private const long KindMask = (1 << KindBits) - 1;
    private const long None = long.MaxValue;

    private long _packed = None;

    /// <summary>A deadline as the heartbeat saw it.</summary>
    public readonly record struct Seen(long Packed)
    {
        public ConnectionTimeout Kind => Packed == None ? ConnectionTimeout.None : (ConnectionTimeout)(Packed & KindMask);

        public long Timestamp => Packed == None ? long.MaxValue : Packed >> KindBits;
    }

    /// <summary>Puts the connection under <paramref name="kind"/> until <paramref name="timestamp"/>; None clears it.</summary>
    public void Set(ConnectionTimeout kind, long timestamp)
    {
        Invariant.Assert((long)kind <= KindMask, "a timeout kind fits its bits");
        Invariant.Assert(timestamp >= 0 && timestamp < long.MaxValue >> KindBits, "a deadline fits beside its kind");
        Volatile.Write(ref _packed, kind == ConnectionTimeout.None ? None : (timestamp << KindBits) | (long)kind);
    }

    public Seen Look() => new(Volatile.Read(ref _packed));

    /// <summary>Clears <paramref name="seen"/> if it is still the deadline; false when it has been replaced since.</summary>
    public bool TryExpire(Seen seen)
    {
        Invariant.Assert(seen.Kind != ConnectionTimeout.None, "only a set deadline expires");
        return Interlocked.CompareExchange(ref _packed, None, seen.Packed) == seen.Packed;
    }
}
