using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock.Network;

/// <summary>The server end: what MockLibuv does to the connection on the engine's behalf.</summary>
public sealed partial class SimConnection
{
    internal string ServerName => _simulation.Trace.Id(Server!.Handle, "h");

    /// <summary>The server called uv_shutdown: its send side takes no more writes.</summary>
    internal bool ShutdownRequested { get; private set; }

    /// <summary>The read side ended (EOF or an error was delivered): libuv refuses to start reading again.</summary>
    internal bool ReadSideEnded => _endDelivered;

    /// <summary>
    /// Bytes of writes in flight: what libuv's write queue holds. The simulated kernel takes a write whole when it
    /// completes, so a write is queued until then (a held write is a peer that stopped reading).
    /// </summary>
    internal long QueuedBytes => _inFlight.Sum(w => (long)w.Length);

    internal void StartReading()
    {
        ServerReading = true;
        _simulation.Notify(ObserverCall.ReadStarted, static (o, c) => o.ReadStarted(c), this);
        KickDelivery();
    }

    internal void StopReading()
    {
        if (ServerReading)
        {
            ServerReading = false;
            ReadStops++;
            _simulation.Notify(ObserverCall.ReadStopped, static (o, c) => o.ReadStopped(c), this);
        }
    }

    internal MockWrite Submit(UvWriteReq request, ReadOnlySpan<UvBuffer> buffers)
    {
        var length = 0;
        foreach (var buffer in buffers)
        {
            length += buffer.Length;
        }

        // Verified, the bytes are copied now and compared with the buffers at completion. Unverified, they are
        // copied at completion, just before the callback, when the client is about to read them: the buffers are
        // the engine's until then either way, and a copy made late lands in a receive buffer still in the cache.
        var verify = _simulation.Options.VerifyWriteBuffers;
        var staged = verify ? _received.Stage(buffers, length) : default;
        var recorded = !RecordWrites ? null : verify ? staged.ToArray() : Copy(buffers, length);
        var write = _spareWrites.Count > 0 ? _spareWrites.Pop() : new MockWrite(this);
        write.Start(request, buffers, length, recorded, reusable: !RecordWrites && !HoldWrites);
        if (RecordWrites)
        {
            Writes.Add(write);
        }

        _inFlight.Add(write);
        MaxWritesInFlight = Math.Max(MaxWritesInFlight, _inFlight.Count);
        _simulation.Notify(ObserverCall.WriteSubmitted, static (o, w) => o.WriteSubmitted(w), write);
        if (!HoldWrites)
        {
            ScheduleAutomaticCompletion(write);
        }

        return write;
    }

    private static byte[] Copy(ReadOnlySpan<UvBuffer> buffers, int length)
    {
        var bytes = new byte[length];
        var offset = 0;
        foreach (var buffer in buffers)
        {
            buffer.AsSpan().CopyTo(bytes.AsSpan(offset));
            offset += buffer.Length;
        }

        return bytes;
    }

    internal void CompleteLater(MockWrite write, int status)
    {
        _simulation.Trace.Add($"net.complete_write {_simulation.Trace.Id(write.Request, "w")} status={status}");
        write.QueuedEvents++;
        _simulation.Enqueue(0, EventKind.Io, _ =>
        {
            write.QueuedEvents--;
            Complete(write, status);
        }, null);
    }

    internal void CompleteAt(MockWrite write, long atMicros, int status)
    {
        var at = Math.Max(atMicros, _simulation.NowMicros);
        _simulation.Trace.Add($"net.complete_write {_simulation.Trace.Id(write.Request, "w")} status={status} at={at}");
        write.QueuedEvents++;
        _simulation.Enqueue(at - _simulation.NowMicros, EventKind.Io, state =>
        {
            var held = (MockWrite)state!;
            held.QueuedEvents--;
            if (held.Status is null)
            {
                held.Connection.Complete(held, status);
            }
            else
            {
                held.Connection.ReuseIfDone(held);
            }
        }, write);
    }

    /// <summary>Faults stopped: writes held in flight by a fault complete now, in order, after their usual latency.</summary>
    internal void ReleaseHeldWrites()
    {
        if (!_inFlight.Any(w => w.HeldByFault))
        {
            return;
        }

        _lastWriteDone = _simulation.NowMicros;
        foreach (var write in _inFlight.Where(w => w.DueAt is not null))
        {
            write.Rescheduled++;
            Schedule(write, _net.Between("write.latency", _simulation.Options.WriteLatency));
        }
    }

    /// <summary>
    /// The server called uv_shutdown. As in libuv, a second one, or one after the peer is gone, is refused with
    /// ENOTCONN; the caller reports it.
    /// </summary>
    internal int Shutdown(UvShutdownReq request)
    {
        if (ShutdownRequested)
        {
            return UvErrors.ENOTCONN;
        }

        ShutdownRequested = true;
        _pendingShutdown = request;
        if (_inFlight.Count == 0)
        {
            _simulation.Enqueue(0, EventKind.Io, _ => FinishShutdown(), null);
        }

        return 0;
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
            _simulation.Notify(ObserverCall.ShutdownCompleted, static (o, a) => o.ShutdownCompleted(a.Connection, a.Status), (Connection: this, Status: UvStatus.ECANCELED));
            shutdown.OnCompleted(UvStatus.ECANCELED);
        }

        ServerClosed = true;
        if (PeerGone)
        {
            return;
        }

        ServerReset = _inbound.Count > 0;
        ServerFinished |= !ServerReset;
        _simulation.Trace.Add($"net.closed {Name} {(ServerReset ? "rst" : "fin")}");
        SawEnd();
    }

    private void ScheduleAutomaticCompletion(MockWrite write)
    {
        var faults = _simulation.Options.Faults;
        var latency = _net.Between("write.latency", _simulation.Options.WriteLatency);
        if (_faults.Chance("write.hold", _simulation.FaultChance(faults.WriteHoldChance)))
        {
            latency += _faults.Between("write.hold_for", faults.WriteHold);
            write.HeldByFault = true;
            _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.WriteHeld, c), this);
        }
        else if (_faults.Chance("write.delay", _simulation.FaultChance(faults.WriteDelayChance)))
        {
            latency += _faults.Between("write.delay_by", faults.WriteDelay);
            _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.WriteDelayed, c), this);
        }

        write.AutomaticStatus = AutomaticStatus();
        Schedule(write, latency);
    }

    /// <summary>A stream's writes complete in order, so each one is done no earlier than the one before it.</summary>
    private void Schedule(MockWrite write, long latency)
    {
        _lastWriteDone = Math.Max(_lastWriteDone, _simulation.NowMicros + latency);
        write.DueAt = _lastWriteDone;
        var delay = _lastWriteDone - _simulation.NowMicros;
        write.QueuedEvents++;
        if (write.Rescheduled == 0)
        {
            _simulation.Enqueue(delay, EventKind.Io, static state => ((MockWrite)state!).Connection.CompleteIfDue((MockWrite)state, 0), write);
            return;
        }

        _simulation.Enqueue(delay, EventKind.Io, static state =>
        {
            var (queued, generation) = ((MockWrite, int))state!;
            queued.Connection.CompleteIfDue(queued, generation);
        }, (write, write.Rescheduled));
    }

    private int AutomaticStatus()
    {
        if (PeerGone)
        {
            return UvStatus.ECONNRESET;
        }

        var faults = _simulation.Options.Faults;
        if (_faults.Chance("write.fail", _simulation.FaultChance(faults.WriteFailureChance)))
        {
            return _faults.Pick("write.fail_status", faults.WriteFailureStatuses);
        }

        return 0;
    }

    private void CompleteIfDue(MockWrite write, int generation)
    {
        write.QueuedEvents--;
        Simulation.Check(write.QueuedEvents >= 0, "a queued completion runs once");

        // A write cancelled by close has already completed, and a released one was queued again: either way this is stale.
        if (!(_inFlight.Count > 0 && _inFlight[0] == write && write.Rescheduled == generation))
        {
            ReuseIfDone(write);
            return;
        }

        var status = write.AutomaticStatus;
        if (ClientStoppedReceiving && status == 0 && !PeerGone)
        {
            // The peer takes nothing more: the write stays in flight, and so do the ones behind it.
            write.DueAt = null;
            return;
        }

        if (status != 0 && !PeerGone)
        {
            _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.WriteFailed, c), this);
            Break();
        }

        Complete(write, PeerGone && status == 0 ? UvStatus.ECONNRESET : status);
    }

    private void Complete(MockWrite write, int status)
    {
        Simulation.Check(_inFlight.Count > 0 && _inFlight[0] == write, "a stream's writes complete in order, and only once");
        _simulation.Notify(ObserverCall.WriteCompleting, static (o, a) => o.WriteCompleting(a.Write, a.Status), (Write: write, Status: status));
        var verified = _simulation.Options.VerifyWriteBuffers;
        if (verified && !write.BuffersUnchanged(_received.Oldest(write.Length)))
        {
            _simulation.Misuse(LibuvMisuse.BuffersChangedInFlight, "uv_write", $"the buffers of a write to {Name} changed while it was in flight");
            throw new SimulationException("uv_write buffers changed while the write was in flight");
        }

        _inFlight.RemoveAt(0);
        write.Status = status;
        write.DueAt = null;
        _simulation.Trace.Add($"cb.write {_simulation.Trace.Id(write.Request, "w")} status={status}");
        _simulation.Notify(ObserverCall.Callback, static (o, h) => o.Callback(h, "write"), Server!.Handle);
        if (status == 0 && !verified)
        {
            // Before the callback: once it has run, the buffers are the engine's again.
            _received.Stage(write.Buffers, write.Length);
        }

        write.Request.Native = 0;
        write.Request.OnCompleted(status);
        if (status == 0)
        {
            Deliver(write);
        }
        else if (verified)
        {
            _received.Drop(write.Length);
        }

        ReuseIfDone(write);

        if (_inFlight.Count == 0 && _pendingShutdown is not null && Server is { Closing: false })
        {
            _simulation.Enqueue(0, EventKind.Io, _ => FinishShutdown(), null);
        }
    }

    /// <summary>Keeps a completed write that nothing can refer to any more, for this connection's next uv_write.</summary>
    private void ReuseIfDone(MockWrite write)
    {
        if (write.Reusable && write.Done && !_spareWrites.Contains(write))
        {
            _spareWrites.Push(write);
        }
    }

    private void FinishShutdown()
    {
        if (_pendingShutdown is not { } request || _inFlight.Count > 0)
        {
            return;
        }

        _pendingShutdown = null;
        var status = PeerGone ? UvStatus.ECONNRESET : 0;
        ServerFinished |= status == 0;
        _simulation.Trace.Add($"cb.shutdown {_simulation.Trace.Id(request, "s")} status={status}");
        _simulation.Notify(ObserverCall.Callback, static (o, h) => o.Callback(h, "shutdown"), Server!.Handle);
        _simulation.Notify(ObserverCall.ShutdownCompleted, static (o, a) => o.ShutdownCompleted(a.Connection, a.Status), (Connection: this, Status: status));
        request.Native = 0;
        request.OnCompleted(status);
        if (status == 0)
        {
            SawEnd();
        }
    }
}
