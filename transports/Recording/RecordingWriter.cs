namespace Testbed.Transports.Recording;

/// <summary>
/// Writes a recording in the background. Loop threads hand it events with <see cref="TryAdd"/> and
/// <see cref="Accept"/>, which never wait for the file: they stamp the event's time and queue it under a short
/// lock (no I/O under it), or drop it when the queue is full. One dedicated thread turns the queue into lines
/// (<see cref="RecordingLines"/>) on the stream. <see cref="Complete"/> (or <see cref="Dispose"/>) drains the
/// queue, writes the footer, flushes and closes the stream.
/// </summary>
/// <remarks>
/// The time is taken under the same lock that queues the event, so the queue, and the file, are in time order
/// whatever the number of loop threads. Memory is bounded: at most <c>queueCapacity</c> events and
/// <c>queueBytes</c> of their copied bytes wait, and as many again are being written.
/// </remarks>
public sealed class RecordingWriter : IDisposable
{
    public const int DefaultQueueCapacity = 64 * 1024;

    public const long DefaultQueueBytes = 64L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly Stream _stream;
    private readonly RecordingHeader _header;
    private readonly long? _maxBytes;
    private readonly long _queueBytesLimit;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Thread _thread;
    private readonly MemoryStream _line = new();

    // Guarded by _gate.
    private Pending[] _pending;
    private Pending[] _draining;
    private int _count;
    private long _queuedBytes;
    private bool _writerWaiting;
    private bool _completing;
    private long _endMicros;
    private int _connections;
    private long _dropped;
    private long? _firstDropped;

    // Set by the writer thread; read by loop threads without the lock, so they stop queueing early.
    private volatile bool _stopped;

    /// <param name="stream">Where the lines go; the writer owns it from here on and disposes it at the end.</param>
    /// <param name="header">The first line. Its <see cref="RecordingHeader.Started"/> is replaced by the wall time of µs 0, taken here.</param>
    /// <param name="maxBytes">A cap on the bytes of the header and events (null: none); see <see cref="RecordingFooter.Truncated"/>.</param>
    /// <param name="queueCapacity">Events that may wait for the writer thread before more are dropped.</param>
    /// <param name="queueBytes">Copied bytes that may wait before more events are dropped.</param>
    /// <param name="time">The clock of the event times: µs since this constructor ran.</param>
    public RecordingWriter(Stream stream, RecordingHeader header, long? maxBytes = null, int queueCapacity = DefaultQueueCapacity, long queueBytes = DefaultQueueBytes, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueBytes);
        if (maxBytes is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, nameof(maxBytes));
        }

        _stream = stream;
        _maxBytes = maxBytes;
        _queueBytesLimit = queueBytes;
        _time = time ?? TimeProvider.System;
        _pending = new Pending[queueCapacity];
        _draining = new Pending[queueCapacity];
        _start = _time.GetTimestamp();
        _header = header with { Started = _time.GetUtcNow() };
        _thread = new Thread(Run) { Name = "testbed-recording", IsBackground = true };
        _thread.Start();
    }

    /// <summary>The header as written (its start time is the writer's).</summary>
    public RecordingHeader Header => _header;

    /// <summary>µs since the writer started: the time an event queued now gets.</summary>
    public long Now => _time.GetElapsedTime(_start).Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Connections numbered so far by <see cref="Accept"/> (recorded or not).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Events written to the stream so far (final once <see cref="Complete"/> has returned, as are the counts below).</summary>
    public long Events { get; private set; }

    /// <summary>Bytes written to the stream so far, the footer included once it is written.</summary>
    public long Bytes { get; private set; }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Whether the size cap was reached.</summary>
    public bool Truncated { get; private set; }

    /// <summary>The exception that stopped the writer thread (the disk filled, say), if one did; the file then has no footer.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The footer, once <see cref="Complete"/> has written it.</summary>
    public RecordingFooter? Footer { get; private set; }

    /// <summary>
    /// Numbers a new connection (1, 2, ... in the order of the calls) and records its accept on <paramref name="loop"/>.
    /// The number is given even when the event is dropped, so the connection's later events still name it.
    /// </summary>
    public int Accept(int loop)
    {
        lock (_gate)
        {
            var connection = ++_connections;
            Queue(new RecordingEntry(RecordedKind.Accept, connection) { Loop = loop });
            return connection;
        }
    }

    /// <summary>
    /// Queues <paramref name="entry"/> at the current time. False when it was not queued: the queue was full
    /// (counted in <see cref="Dropped"/>), or the writer has stopped (cap, failure, completion). Never waits.
    /// </summary>
    public bool TryAdd(in RecordingEntry entry)
    {
        if (_stopped)
        {
            return false;
        }

        lock (_gate)
        {
            return Queue(entry);
        }
    }

    private bool Queue(in RecordingEntry entry)
    {
        if (_completing || _stopped)
        {
            return false;
        }

        var micros = Now;
        var bytes = entry.Bytes?.Length ?? 0;
        if (_count == _pending.Length || _queuedBytes + bytes > _queueBytesLimit)
        {
            _dropped++;
            _firstDropped ??= micros;
            return false;
        }

        _pending[_count++] = new Pending(micros, entry);
        _queuedBytes += bytes;
        if (_writerWaiting)
        {
            _writerWaiting = false;
            Monitor.Pulse(_gate);
        }

        return true;
    }

    /// <summary>Stops taking events, writes what is queued and the footer, flushes and closes the stream; waits for all of it. Idempotent.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (!_completing)
            {
                _completing = true;
                _endMicros = Now;
                Monitor.Pulse(_gate);
            }
        }

        _thread.Join();
    }

    public void Dispose() => Complete();

    private void Run()
    {
        try
        {
            Render();
            RecordingLines.WriteHeader(_line, _header);
            TryWrite(ignoreCap: true);

            while (Drain())
            {
            }

            long dropped;
            long? firstDropped;
            lock (_gate)
            {
                dropped = _dropped;
                firstDropped = _firstDropped;
            }

            var footer = new RecordingFooter { Micros = _endMicros, Events = Events, Dropped = dropped, FirstDropped = firstDropped, Truncated = Truncated };
            Render();
            RecordingLines.WriteFooter(_line, footer);
            TryWrite(ignoreCap: true);
            _stream.Flush();
            Footer = footer;
        }
        catch (Exception e)
        {
            // Whatever went wrong, the recording stops and the server does not: nothing may escape this thread.
            Failure = e;
            _stopped = true;
        }
        finally
        {
            try
            {
                _stream.Dispose();
            }
            catch (IOException e)
            {
                // A failed final flush: the footer may not have reached the disk.
                Failure ??= e;
                Footer = null;
            }
        }
    }

    /// <summary>Writes one batch; false once completion has been asked for and nothing is left.</summary>
    private bool Drain()
    {
        int n;
        bool completing;
        lock (_gate)
        {
            while (_count == 0 && !_completing)
            {
                _writerWaiting = true;
                Monitor.Wait(_gate);
            }

            _writerWaiting = false;
            (_pending, _draining) = (_draining, _pending);
            n = _count;
            _count = 0;
            _queuedBytes = 0;
            completing = _completing;
        }

        for (var i = 0; i < n; i++)
        {
            if (!_stopped)
            {
                Render();
                RecordingLines.WriteEvent(_line, ToEvent(_draining[i]));
                if (TryWrite(ignoreCap: false))
                {
                    Events++;
                }
            }

            _draining[i] = default;
        }

        // Each batch reaches the file: a process that dies loses at most what was still queued.
        if (n > 0)
        {
            _stream.Flush();
        }

        return !(completing && n == 0);
    }

    /// <summary>Empties the scratch buffer a line is rendered into.</summary>
    private void Render() => _line.SetLength(0);

    /// <summary>Writes the rendered line unless it would cross the cap (which stops the recording).</summary>
    private bool TryWrite(bool ignoreCap)
    {
        var length = _line.Length;
        if (!ignoreCap && Bytes + length > _maxBytes)
        {
            Truncated = true;
            _stopped = true;
            return false;
        }

        _stream.Write(_line.GetBuffer(), 0, (int)length);
        Bytes += length;
        return true;
    }

    private static RecordedEvent ToEvent(in Pending pending)
    {
        var e = pending.Entry;
        var kind = e.Kind;
        return new RecordedEvent
        {
            Micros = pending.Micros,
            Kind = kind,
            Connection = e.Connection,
            Loop = kind == RecordedKind.Accept ? e.Loop : null,
            Count = kind is RecordedKind.Read or RecordedKind.Write ? e.Count : null,
            Write = kind is RecordedKind.Write or RecordedKind.WriteDone ? e.Write : null,
            Status = kind is RecordedKind.ReadError or RecordedKind.WriteDone or RecordedKind.ShutdownDone ? e.Status : null,
            Hash = e.Hash is { } hash ? OutputHash.Format(hash) : null,
            Bytes = e.Bytes,
        };
    }

    private readonly record struct Pending(long Micros, RecordingEntry Entry);
}
