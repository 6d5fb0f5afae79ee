using System.Collections.Concurrent;

namespace Testbed.Engine.Infrastructure;

/// <summary>
/// Slabs handed back by <see cref="SlabMemoryPool"/>s that were disposed with every block returned, for the next
/// pool to take instead of allocating. Every new pinned slab counts towards the budget that triggers a gen2
/// collection, so a process that starts server after server (a simulation sweep, the specs) would otherwise
/// collect gen2 every few servers. Bounded, so a process keeps at most <see cref="MaxSlabs"/> idle slabs.
/// A slab's contents are undefined when rented, as a fresh uninitialised slab's are.
/// </summary>
internal static class SlabCache
{
    public const int MaxSlabs = 32;

    private static readonly ConcurrentBag<byte[]> Idle = [];

    public static bool TryTake(out byte[] slab) => Idle.TryTake(out slab!);

    /// <summary>Keeps <paramref name="slab"/> unless the cache is full; the caller must hold no block of it.</summary>
    public static void Offer(byte[] slab)
    {
        // Count is approximate under contention; overshooting the bound by a slab or two is harmless.
        if (Idle.Count < MaxSlabs)
        {
            Idle.Add(slab);
        }
    }
}
