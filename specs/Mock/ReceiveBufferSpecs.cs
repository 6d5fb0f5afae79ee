using System.Runtime.InteropServices;
using System.Text;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>The client's receive side: writes staged at submission, delivered or dropped in order at completion.</summary>
public sealed class ReceiveBufferSpecs
{
    [Fact]
    public void Staged_bytes_are_not_received_until_delivered()
    {
        var receive = new ReceiveBuffer();
        Stage(receive, "head|");
        Stage(receive, "body");
        Assert.Equal(string.Empty, Text(receive));

        receive.Deliver(5);
        Assert.Equal("head|", Text(receive));
        receive.Deliver(4);
        Assert.Equal("head|body", Text(receive));
    }

    [Fact]
    public void A_failed_write_is_cut_out_and_later_writes_still_arrive()
    {
        var receive = new ReceiveBuffer();
        Stage(receive, "one");
        Stage(receive, "LOST");
        Stage(receive, "three");

        receive.Deliver(3);
        Assert.Equal("LOST", Encoding.ASCII.GetString(receive.Oldest(4)));
        receive.Drop(4);
        receive.Deliver(5);
        Assert.Equal("onethree", Text(receive));
    }

    [Fact]
    public void Discarding_keeps_later_bytes_and_writes_in_flight()
    {
        var receive = new ReceiveBuffer();
        Stage(receive, "first");
        receive.Deliver(5);
        Stage(receive, "second");
        receive.Discard(2);
        Assert.Equal("rst", Text(receive));

        receive.Deliver(6);
        Assert.Equal("rstsecond", Text(receive));
        Assert.Throws<ArgumentOutOfRangeException>(() => receive.Discard(10));
    }

    [Fact]
    public void Staging_grows_past_the_first_capacity_without_losing_bytes()
    {
        var receive = new ReceiveBuffer();
        var pieces = Enumerable.Range(0, 100).Select(i => new string((char)('a' + (i % 26)), i + 1)).ToList();
        pieces.ForEach(piece => Stage(receive, piece));

        pieces.ForEach(piece => receive.Deliver(piece.Length));
        Assert.Equal(string.Concat(pieces), Text(receive));
    }

    private static void Stage(ReceiveBuffer receive, string text)
    {
        // Two buffers per write, as the engine sends a head and a body block.
        var bytes = GC.AllocateArray<byte>(text.Length, pinned: true);
        Encoding.ASCII.GetBytes(text, bytes);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(bytes, 0);
        var half = bytes.Length / 2;
        UvBuffer[] buffers = [new(address, half), new(address + half, bytes.Length - half)];
        Assert.Equal(text, Encoding.ASCII.GetString(receive.Stage(buffers, bytes.Length)));
    }

    private static string Text(ReceiveBuffer receive) => Encoding.ASCII.GetString(receive.DeliveredSpan);
}
