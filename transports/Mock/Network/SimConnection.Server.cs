using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>The server end: what MockLibuv does to the connection on the engine's behalf.</summary>
public sealed partial class SimConnection
{
    internal string ServerName => _simulation.Trace.Id(Server!.Handle, "h");

    internal void StartReading()
    {
        ServerReading = true;
        KickDelivery();
    }

    internal void StopReading()
    {
        if (ServerReading)
        {
            ServerReading = false;
            ReadStops++;
        }
    }

    internal MockWrite Submit(UvWriteReq request, ReadOnlySpan<UvBuffer> buffers)
    {
        var length = 0;
        foreach (var buffer in buffers)
        {
            length += buffer.Length;
        }

        var staged = _received.Stage(buffers, length);
        var write = new MockWrite(this, request, buffers, length, _simulation.Options.VerifyWriteBuffers, staged);
        if (RecordWrites)
        {
            Writes.Add(write);
        }

        _inFlight.Add(write);
        MaxWritesInFlight = Math.Max(MaxWritesInFlight, _inFlight.Count);
        if (!HoldWrites)
        {
            // A stream's writes complete in order, so each one is done no earlier than the one before it.
            var latency = _simulation.Between("write.latency", _simulation.Options.WriteLatency);
            _lastWriteDone = Math.Max(_lastWriteDone, _simulation.NowMicros + latency);
            write.AutomaticStatus = AutomaticStatus();
            _simulation.Enqueue(_lastWriteDone - _simulation.NowMicros, EventKind.Io, static state =>
            {
                var queued = (MockWrite)state!;
                queued.Connection.CompleteIfNext(queued);
            }, write);
        }

        return write;
    }

    internal void CompleteLater(MockWrite write, int status)
    {
        _simulation.Trace.Add($"net.complete_write {_simulation.Trace.Id(write.Request, "w")} status={status}");
        _simulation.Enqueue(0, EventKind.Io, _ => Complete(write, status), null);
    }

    /// <summary>The server called uv_shutdown: its send side takes no more writes.</summary>
    internal bool ShutdownRequested { get; private set; }

    internal void Shutdown(UvShutdownReq request)
    {
        ShutdownRequested = true;
        _pendingShutdown = request;
        if (_inFlight.Count == 0)
        {
            _simulation.Enqueue(0, EventKind.Io, _ => FinishShutdown(), null);
        }
    }

    /// <summary>The close callback's work: cancel what is in flight (libuv's order), then tell the peer.</summary>
    internal void OnServerClosed()
    {
        StopReading();
        while (_inFlight.Count > 0)
        {
            Complete(_inFlight[0], UvStatus.ECANCELED);
        }

        if (_pendingShutdown is { } shutdown)
        {
            _pendingShutdown = null;
            _simulation.Trace.Add($"cb.shutdown {_simulation.Trace.Id(shutdown, "s")} status={UvStatus.ECANCELED}");
            shutdown.OnCompleted(UvStatus.ECANCELED);
        }

        ServerClosed = true;
        if (ClientReset)
        {
            return;
        }

        ServerReset = _inbound.Count > 0;
        ServerFinished |= !ServerReset;
        _simulation.Trace.Add($"net.closed {Name} {(ServerReset ? "rst" : "fin")}");
    }

    private int AutomaticStatus()
    {
        if (ClientReset)
        {
            return UvStatus.ECONNRESET;
        }

        if (_simulation.Chance("write.fail", _simulation.Options.WriteFailureChance))
        {
            return _simulation.Choose("write.fail_status", 2) == 0 ? UvStatus.ECONNRESET : UvStatus.EPIPE;
        }

        return 0;
    }

    private void CompleteIfNext(MockWrite write)
    {
        // A write cancelled by close has already completed; its automatic completion is stale.
        if (_inFlight.Count > 0 && _inFlight[0] == write)
        {
            var status = write.AutomaticStatus;
            Complete(write, ClientReset && status == 0 ? UvStatus.ECONNRESET : status);
        }
    }

    private void Complete(MockWrite write, int status)
    {
        Simulation.Check(_inFlight.Count > 0 && _inFlight[0] == write, "a stream's writes complete in order, and only once");
        write.AssertBuffersUnchanged(_received.Oldest(write.Length));
        _inFlight.RemoveAt(0);
        write.Status = status;
        _simulation.Trace.Add($"cb.write {_simulation.Trace.Id(write.Request, "w")} status={status}");
        write.Request.Native = 0;
        write.Request.OnCompleted(status);
        if (status == 0)
        {
            Deliver(write);
        }
        else
        {
            _received.Drop(write.Length);
        }

        if (_inFlight.Count == 0 && _pendingShutdown is not null && Server is { Closing: false })
        {
            _simulation.Enqueue(0, EventKind.Io, _ => FinishShutdown(), null);
        }
    }

    private void FinishShutdown()
    {
        if (_pendingShutdown is not { } request || _inFlight.Count > 0)
        {
            return;
        }

        _pendingShutdown = null;
        var status = ClientReset ? UvStatus.ECONNRESET : 0;
        ServerFinished |= status == 0;
        _simulation.Trace.Add($"cb.shutdown {_simulation.Trace.Id(request, "s")} status={status}");
        request.Native = 0;
        request.OnCompleted(status);
    }
}
