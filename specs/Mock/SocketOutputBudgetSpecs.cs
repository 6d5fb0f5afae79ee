using Testbed.Specs.Mock.Support;

namespace Testbed.Specs.Mock;

/// <summary>
/// The budget rule of <see cref="Engine.Connections.SocketOutput"/> (MaxResponseBufferSize) at its edges: no
/// limit, a zero limit, non-immediate bytes counting against it, and waiters released in order while they fit.
/// </summary>
public sealed class SocketOutputBudgetSpecs
{
    [Fact]
    public void An_unlimited_budget_never_makes_a_write_wait()
    {
        var h = new MockSocketOutputHarness(budget: null);

        var writes = Enumerable.Range(0, 16).Select(_ => h.Write(256 * 1024)).ToList();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Equal(4L * 1024 * 1024, h.Output.UnflushedBytes);
        Assert.Empty(h.Client.Writes);

        // 4 MiB is 1024 pool blocks: four full uv_writes, each submitted when the one before it completes.
        h.Settle();
        h.CompleteAll();
        Assert.Equal([256, 256, 256, 256], h.Client.Writes.Select(w => w.BufferCount));
        Assert.Equal(h.Written, h.Client.Received);
        h.Finish();
    }

    [Fact]
    public void A_zero_budget_makes_every_immediate_write_wait_for_the_socket()
    {
        var h = new MockSocketOutputHarness(budget: 0);

        Assert.True(h.Write(10, immediate: false).IsCompletedSuccessfully);
        var write = h.Write(1);
        Assert.False(write.IsCompleted);
        h.Settle();
        Assert.False(write.IsCompleted);

        h.Complete();
        Assert.True(write.IsCompletedSuccessfully);

        // Nothing is unflushed: end - flushed = 0 fits even a zero budget.
        Assert.True(h.Write(0).IsCompletedSuccessfully);
        h.Finish();
    }

    [Fact]
    public void Non_immediate_bytes_make_a_small_immediate_write_wait()
    {
        var h = new MockSocketOutputHarness();

        Assert.True(h.Write((int)MockSocketOutputHarness.DefaultBudget, immediate: false).IsCompletedSuccessfully);
        var write = h.Write(1);
        h.Settle();

        Assert.False(write.IsCompleted);
        h.Complete();
        Assert.True(write.IsCompletedSuccessfully);
        h.Finish();
    }

    [Fact]
    public void Waiters_are_released_in_order_and_only_while_they_fit()
    {
        var h = new MockSocketOutputHarness(budget: 10);
        var order = new List<int>();

        Track(1, h.Write(10), order);
        h.Settle();
        Track(2, h.Write(5), order);
        Track(3, h.Write(5), order);
        Track(4, h.Write(5), order);
        Track(5, h.Write(0), order);
        h.Settle();
        Assert.Equal([1], order);

        // 10 flushed: 2 (end 15) and 3 (end 20) fit, 4 (end 25) does not, and 5 queues behind 4.
        h.Complete();
        Assert.Equal([1, 2, 3], order);

        h.Complete();
        Assert.Equal([1, 2, 3, 4, 5], order);
        h.Finish();
    }

    private static void Track(int id, Task write, List<int> order) =>
        write.ContinueWith(_ => order.Add(id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
