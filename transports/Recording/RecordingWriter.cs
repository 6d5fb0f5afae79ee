using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

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
    private readonly ArrayBufferWriter<byte> _eventLine = new(4096);
    private readonly Utf8JsonWriter _json;

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
        _json = new Utf8JsonWriter(_eventLine, new JsonWriterOptions { SkipValidation = true });
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

    public void Dispose()
    {
        Complete();
        _json.Dispose();
    }

    private void Run()
    {
        try
        {
            Render();
            RecordingLines.WriteHeader(_line, _header);
            TryWrite(_line.GetBuffer().AsSpan(0, (int)_line.Length), ignoreCap: true);

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
            TryWrite(_line.GetBuffer().AsSpan(0, (int)_line.Length), ignoreCap: true);
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
                if (TryWrite(RenderEvent(_draining[i]), ignoreCap: false))
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

        // Let the next batch gather for a millisecond. Without the pause the writer, faster than the loops, waits
        // after nearly every event, so nearly every event costs a loop thread a wake-up (Pulse) and the writer a
        // write system call: that, not the JSON, was most of recording's cost. A half-full queue goes on at once.
        if (!completing && n > 0 && n < _pending.Length / 2)
        {
            Thread.Sleep(1);
        }

        return !(completing && n == 0);
    }

    /// <summary>Empties the scratch buffer a line is rendered into.</summary>
    private void Render() => _line.SetLength(0);

    /// <summary>Writes a rendered line unless it would cross the cap (which stops the recording).</summary>
    private bool TryWrite(ReadOnlySpan<byte> line, bool ignoreCap)
    {
        if (!ignoreCap && Bytes + line.Length > _maxBytes)
        {
            Truncated = true;
            _stopped = true;
            return false;
        }

        _stream.Write(line);
        Bytes += line.Length;
        return true;
    }

    /// <summary>
    /// The event's line, written field by field: byte for byte what <see cref="RecordingLines.WriteEvent"/> writes
    /// for <see cref="ToEvent"/> of it (a spec holds them equal), without an object, a string or a serializer
    /// per event. This thread's time is most of what recording costs.
    /// </summary>
    private ReadOnlySpan<byte> RenderEvent(in Pending pending)
    {
        var e = pending.Entry;
        var kind = e.Kind;
        _eventLine.ResetWrittenCount();
        _json.Reset(_eventLine);
        _json.WriteStartObject();
        _json.WriteNumber("t"u8, pending.Micros);
        _json.WriteString("k"u8, KindNames[(int)kind]);
        _json.WriteNumber("c"u8, e.Connection);
        if (kind == RecordedKind.Accept)
        {
            _json.WriteNumber("loop"u8, e.Loop);
        }

        if (kind is RecordedKind.Read or RecordedKind.Write)
        {
            _json.WriteNumber("n"u8, e.Count);
        }

        if (kind is RecordedKind.Write or RecordedKind.WriteDone)
        {
            _json.WriteNumber("w"u8, e.Write);
        }

        if (kind is RecordedKind.ReadError or RecordedKind.WriteDone or RecordedKind.ShutdownDone)
        {
            _json.WriteNumber("status"u8, e.Status);
        }

        if (e.Hash is { } hash)
        {
            Span<byte> hex = stackalloc byte[16];
            hash.TryFormat(hex, out _, "x16", CultureInfo.InvariantCulture);
            _json.WriteString("h"u8, hex);
        }

        if (e.Bytes is { } bytes)
        {
            _json.WriteBase64String("b"u8, bytes);
        }

        _json.WriteEndObject();
        _json.Flush();
        _eventLine.GetSpan(1)[0] = (byte)'\n';
        _eventLine.Advance(1);
        return _eventLine.WrittenSpan;
    }

    /// <summary>The kinds' names in the file (<see cref="RecordedKind"/>'s JsonStringEnumMemberName), by value.</summary>
    private static readonly JsonEncodedText[] KindNames = CreateKindNames();

    private static JsonEncodedText[] CreateKindNames()
    {
        var kinds = Enum.GetValues<RecordedKind>();
        var names = new JsonEncodedText[kinds.Length];
        foreach (var kind in kinds)
        {
            // The serializer's own spelling, so the two cannot drift apart.
            var quoted = JsonSerializer.Serialize(kind, RecordingJson.Default.RecordedKind);
            names[(int)kind] = JsonEncodedText.Encode(quoted[1..^1]);
        }

        return names;
    }

    /// <summary>The event a pending entry becomes: what <see cref="RenderEvent"/> writes, as an object.</summary>
    internal static RecordedEvent ToEvent(in Pending pending)
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

    internal readonly record struct Pending(long Micros, RecordingEntry Entry);

    /// <summary>For the spec that holds <see cref="RenderEvent"/> to the serializer's output.</summary>
    internal static string RenderForSpec(long micros, in RecordingEntry entry)
    {
        using var writer = new RecordingWriter(Stream.Null, new RecordingHeader { Started = default, Bodies = RecordBodies.Full, Loops = 1 });
        return Encoding.UTF8.GetString(writer.RenderEvent(new Pending(micros, entry)));
    }
}
