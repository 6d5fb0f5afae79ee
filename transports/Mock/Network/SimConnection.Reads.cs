using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>Delivering the client's bytes to the server's reads: one segment per read, then EOF or ECONNRESET.</summary>
public sealed partial class SimConnection
{
    /// <summary>Queues the next read if the server is reading and something has arrived or will.</summary>
    private void KickDelivery()
    {
        if (Server is null || Server.Closing || !ServerReading || _deliveryQueued || _endDelivered)
        {
            return;
        }

        long at;
        if (ClientReset)
        {
            at = _simulation.NowMicros;
        }
        else if (_inbound.TryPeek(out var next))
        {
            at = next.Arrival;
        }
        else if (_clientFin)
        {
            at = _lastArrival;
        }
        else
        {
            return;
        }

        _deliveryQueued = true;
        _simulation.Enqueue(Math.Max(0, at - _simulation.NowMicros), EventKind.Io, static connection => ((SimConnection)connection!).Deliver(), this);
    }

    private void Deliver()
    {
        _deliveryQueued = false;
        if (Server is null || Server.Closing || !ServerReading || _endDelivered)
        {
            return;
        }

        var stream = (UvStreamHandle)Server.Handle;
        if (ClientReset)
        {
            EndReads(stream, UvStatus.ECONNRESET);
        }
        else if (_inbound.Count > 0)
        {
            DeliverSegment(stream);
        }
        else
        {
            EndReads(stream, UvStatus.EOF);
        }

        KickDelivery();
    }

    private void DeliverSegment(UvStreamHandle stream)
    {
        var segment = _inbound.Peek();

        // At most one empty read per segment: redrawing it on every delivery would let a chance of 1 read nothing forever.
        if (!segment.ZeroReadDrawn)
        {
            segment.ZeroReadDrawn = true;
            if (_simulation.Chance("read.zero", _simulation.Options.ZeroReadChance))
            {
                var empty = stream.OnAlloc(65536);
                _simulation.Trace.Add($"cb.read {ServerName} n=0");
                stream.OnRead(0, empty);
                return;
            }
        }

        var buffer = stream.OnAlloc(65536);
        Simulation.Check(buffer.Length > 0, "alloc callback returned an empty buffer");
        var n = Math.Min(buffer.Length, segment.Remaining);
        segment.Bytes.AsSpan(segment.Offset, n).CopyTo(buffer.AsSpan());
        segment.Offset += n;
        segment.Remaining -= n;
        if (segment.Remaining == 0)
        {
            _inbound.Dequeue();
        }

        _simulation.Trace.Add($"cb.read {ServerName} n={n}");
        stream.OnRead(n, buffer);
    }

    private void EndReads(UvStreamHandle stream, int status)
    {
        // libuv stops reading by itself after EOF or an error.
        _endDelivered = true;
        ServerReading = false;
        _simulation.Trace.Add($"cb.read {ServerName} status={_simulation.Libuv.ErrName(status)}");
        stream.OnRead(status, default);
    }
}
