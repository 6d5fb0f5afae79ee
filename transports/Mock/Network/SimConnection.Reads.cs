using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock.Network;

/// <summary>Delivering the client's bytes to the server's reads: one segment per read (or several, coalesced), then EOF or ECONNRESET.</summary>
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
        if (PeerGone)
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
        if (PeerGone)
        {
            EndReads(stream, UvStatus.ECONNRESET);
        }
        else if (_inbound.Count > 0)
        {
            DeliverSegments(stream);
        }
        else
        {
            EndReads(stream, UvStatus.EOF);
        }

        KickDelivery();
    }

    private void DeliverSegments(UvStreamHandle stream)
    {
        var segment = _inbound.Peek();
        var faults = _simulation.Options.Faults;

        // At most one empty read per segment: redrawing it on every delivery would let a chance of 1 read nothing forever.
        if (!segment.ZeroReadDrawn)
        {
            segment.ZeroReadDrawn = true;
            if (_faults.Chance("read.zero", _simulation.FaultChance(faults.ZeroReadChance)))
            {
                var empty = stream.OnAlloc(65536);
                _simulation.Trace.Add($"cb.read {ServerName} n=0");
                _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.ZeroRead, c), this);
                NotifyRead(stream, 0, 0);
                stream.OnRead(0, empty);
                return;
            }
        }

        var buffer = stream.OnAlloc(65536);
        Simulation.Check(buffer.Length > 0, "alloc callback returned an empty buffer");

        // TCP hands over everything that has arrived: with a coalescing read, later sends already here join this one.
        var coalesce = HasArrivedBehind() && _faults.Chance("read.coalesce", _simulation.FaultChance(faults.CoalesceChance));
        var n = 0;
        var segments = 0;
        do
        {
            segment = _inbound.Peek();
            var take = Math.Min(buffer.Length - n, segment.Remaining);
            segment.Bytes.AsSpan(segment.Offset, take).CopyTo(buffer.AsSpan()[n..]);
            segment.Offset += take;
            segment.Remaining -= take;
            n += take;
            segments++;
            if (segment.Remaining == 0)
            {
                DropOldestSegment();
            }
        }
        while (coalesce && n < buffer.Length && _inbound.TryPeek(out var next) && next.Arrival <= _simulation.NowMicros);

        if (segments > 1)
        {
            _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.ReadsCoalesced, c), this);
        }

        _simulation.Trace.Add($"cb.read {ServerName} n={n}");
        NotifyRead(stream, n, segments);
        stream.OnRead(n, buffer);
    }

    /// <summary>Whether a second send is already waiting here behind the first.</summary>
    private bool HasArrivedBehind()
    {
        var first = true;
        foreach (var waiting in _inbound)
        {
            if (!first)
            {
                return waiting.Arrival <= _simulation.NowMicros;
            }

            first = false;
        }

        return false;
    }

    private void NotifyRead(UvStreamHandle stream, int bytes, int segments)
    {
        _simulation.Notify(ObserverCall.Callback, static (o, h) => o.Callback(h, "read"), (UvHandle)stream);
        _simulation.Notify(ObserverCall.ReadDelivered, static (o, a) => o.ReadDelivered(a.Connection, a.Bytes, a.Segments), (Connection: this, Bytes: bytes, Segments: segments));
    }

    private void EndReads(UvStreamHandle stream, int status)
    {
        // libuv stops reading by itself after EOF or an error.
        _endDelivered = true;
        ServerReading = false;
        _simulation.Trace.Add($"cb.read {ServerName} status={_simulation.Libuv.ErrName(status)}");
        _simulation.Notify(ObserverCall.Callback, static (o, h) => o.Callback(h, "read"), (UvHandle)stream);
        _simulation.Notify(ObserverCall.ReadEnded, static (o, a) => o.ReadEnded(a.Connection, a.Status), (Connection: this, Status: status));
        stream.OnRead(status, default);
    }
}
