namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>pool-blocks-returned</c>: once the server has stopped and its work has run, every block of its slab pool is
/// back: read buffers, output blocks, write batches. A block kept is a leak that a long-running server pays for
/// on every connection that takes that path.
/// </summary>
internal sealed class PoolBlocksReturned : InvariantChecker
{
    public override string Name => "pool-blocks-returned";

    public override void RunEnded()
    {
        if (Run.Stop is { IsCompletedSuccessfully: true } && Run.Server.Server.Memory.RentedBlocks is var rented and > 0)
        {
            Fail($"{rented} pool blocks still rented after the stop");
        }
    }
}
