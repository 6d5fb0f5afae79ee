using Testbed.Engine.Infrastructure;
using Testbed.Specs.Mock.Support;

namespace Testbed.Specs.Mock;

/// <summary>
/// The seed's SocketOutput tests (named as in the seed), made exact on the mock transport. The seed waited up
/// to a second for a write callback and read a timeout as "not completed"; here every uv_write stays in flight
/// until the spec completes it, so each step states exactly which writes are complete and what each uv_write
/// carried. The seed's maxBytesPreCompleted is the budget, 64 KiB.
/// </summary>
public sealed class SeedSocketOutputSpecs
{
    private const int Budget = (int)MockSocketOutputHarness.DefaultBudget;

    /// <summary>The seed's regression: a write larger than the budget never completed, even once written.</summary>
    [Fact]
    public void CanWrite1MB()
    {
        var h = new MockSocketOutputHarness();
        const int size = 1024 * 1024;

        var write = h.Write(size);
        Assert.False(write.IsCompleted);
        h.Settle();

        // 1 MiB fills 256 pool blocks, and one uv_write carries them all.
        var uvWrite = Assert.Single(h.Client.Writes);
        Assert.Equal(size / SlabMemoryPool.BlockSize, uvWrite.BufferCount);
        Assert.Equal(h.Written, uvWrite.Bytes);
        Assert.False(write.IsCompleted);

        h.Complete();
        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    [Fact]
    public void WritesDontCompleteImmediatelyWhenTooManyBytesAreAlreadyPreCompleted()
    {
        var h = new MockSocketOutputHarness();

        // The first write fits the budget exactly, so its task is complete when WriteAsync returns.
        Assert.True(h.Write(Budget).IsCompletedSuccessfully);
        h.Settle();
        var second = h.Write(Budget);
        Assert.False(second.IsCompleted);

        // The second write goes to the socket too, but 128 KiB are unflushed: still over the budget.
        h.Settle();
        Assert.Equal([Budget, Budget], h.Client.WritesInFlight.Select(w => w.Bytes.Length));
        Assert.False(second.IsCompleted);

        // Finishing the first uv_write brings the second within the budget.
        h.Complete();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Single(h.Client.WritesInFlight);
        h.Finish();
    }

    [Fact]
    public void WritesDontCompleteImmediatelyWhenTooManyBytesIncludingNonImmediateAreAlreadyPreCompleted()
    {
        var h = new MockSocketOutputHarness();
        const int half = Budget / 2;

        // A non-immediate write never waits; the immediate one after it ends at 64 KiB, which fits.
        Assert.True(h.Write(half, immediate: false).IsCompletedSuccessfully);
        Assert.True(h.Write(half).IsCompletedSuccessfully);
        h.Settle();
        Assert.Equal(Budget, Assert.Single(h.Client.WritesInFlight).Bytes.Length);

        // 96 KiB unflushed: over the budget, yet the non-immediate write still completes at once...
        Assert.True(h.Write(half, immediate: false).IsCompletedSuccessfully);

        // ...while its bytes make the next immediate write (ending at 128 KiB) wait.
        var fourth = h.Write(half);
        Assert.False(fourth.IsCompleted);
        h.Settle();
        Assert.Equal([Budget, Budget], h.Client.WritesInFlight.Select(w => w.Bytes.Length));
        Assert.False(fourth.IsCompleted);

        h.Complete();
        Assert.True(fourth.IsCompletedSuccessfully);
        h.Finish();
    }

    /// <summary>aspnet/KestrelHttpServer#356: one completed uv_write released every waiter, not just those that fit.</summary>
    [Fact]
    public void WritesDontGetCompletedTooQuickly()
    {
        var h = new MockSocketOutputHarness();

        // Pre-complete the whole budget.
        Assert.True(h.Write(Budget).IsCompletedSuccessfully);
        h.Settle();

        var second = h.Write(Budget);
        var third = h.Write(Budget);
        h.Settle();

        // Both waiting writes went out together as the second uv_write.
        Assert.Equal([Budget, 2 * Budget], h.Client.WritesInFlight.Select(w => w.Bytes.Length));
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        // 64 KiB flushed: the second write (ending at 128 KiB) fits, the third (192 KiB) does not.
        h.Complete();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);

        h.Complete();
        Assert.True(third.IsCompletedSuccessfully);
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    /// <summary>
    /// The seed filled two pool blocks in place (ProducingStart/ProducingComplete) and flushed them with an empty
    /// immediate write: one uv_write with two buffers. The engine has no in-place API (docs/decisions.md), so
    /// the same intent goes through non-immediate writes: they only buffer, and the flush sends them together.
    /// </summary>
    [Fact]
    public void ProducingStartAndProducingCompleteCanBeUsedDirectly()
    {
        var h = new MockSocketOutputHarness();

        Assert.True(h.Write(SlabMemoryPool.BlockSize, immediate: false).IsCompletedSuccessfully);
        Assert.True(h.Write(SlabMemoryPool.BlockSize, immediate: false).IsCompletedSuccessfully);
        h.Settle();
        Assert.Empty(h.Client.Writes);

        // An empty immediate write is a flush: it is required for a write to be scheduled.
        Assert.True(h.Write(0).IsCompletedSuccessfully);
        h.Settle();

        var uvWrite = Assert.Single(h.Client.Writes);
        Assert.Equal(2, uvWrite.BufferCount);
        Assert.Equal(h.Written, uvWrite.Bytes);
        h.Finish();
    }
}
