using System.Text;
using Testbed.Transports.Recording;

namespace Testbed.Specs.Simulator;

/// <summary>A recording written by hand, as the recorder would write it: each write numbered and hashed per connection.</summary>
internal sealed class RecordingBuilder(int loops = 1, RecordBodies bodies = RecordBodies.Full, IReadOnlyDictionary<string, string>? settings = null)
{
    public static readonly DateTimeOffset Started = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<RecordedEvent> _events = [];
    private readonly Dictionary<int, OutputHash> _hashes = [];
    private readonly Dictionary<int, int> _writes = [];

    public RecordingBuilder Accept(long t, int c, int loop = 0) => Add(new RecordedEvent { Micros = t, Kind = RecordedKind.Accept, Connection = c, Loop = loop });

    public RecordingBuilder Read(long t, int c, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        return Add(bodies == RecordBodies.None
            ? new RecordedEvent { Micros = t, Kind = RecordedKind.Read, Connection = c, Count = bytes.Length, Hash = OutputHash.Of(bytes) }
            : new RecordedEvent { Micros = t, Kind = RecordedKind.Read, Connection = c, Count = bytes.Length, Bytes = bytes });
    }

    public RecordingBuilder Eof(long t, int c) => Add(new RecordedEvent { Micros = t, Kind = RecordedKind.Eof, Connection = c });

    /// <summary>The client's reset, as the server's read saw it (ECONNRESET).</summary>
    public RecordingBuilder Reset(long t, int c) => Add(new RecordedEvent { Micros = t, Kind = RecordedKind.ReadError, Connection = c, Status = Testbed.Engine.Networking.UvStatus.ECONNRESET });

    /// <summary>A write of <paramref name="text"/> submitted at <paramref name="t"/> and done <paramref name="latency"/> µs later.</summary>
    public RecordingBuilder Write(long t, int c, string text, long latency = 50, int status = 0)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        if (!_hashes.TryGetValue(c, out var hash))
        {
            _hashes[c] = hash = new OutputHash();
        }

        hash.Append(bytes);
        var number = _writes[c] = _writes.GetValueOrDefault(c) + 1;
        Add(new RecordedEvent { Micros = t, Kind = RecordedKind.Write, Connection = c, Write = number, Count = bytes.Length, Hash = hash.Current, Bytes = bodies == RecordBodies.Full ? bytes : null });
        return Add(new RecordedEvent { Micros = t + latency, Kind = RecordedKind.WriteDone, Connection = c, Write = number, Status = status });
    }

    public RecordingBuilder Shutdown(long t, int c) => Add(new RecordedEvent { Micros = t, Kind = RecordedKind.Shutdown, Connection = c });

    public RecordingBuilder Close(long t, int c) => Add(new RecordedEvent { Micros = t, Kind = RecordedKind.Close, Connection = c });

    public Recording Build() => new(
        new RecordingHeader { Started = Started, Bodies = bodies, Loops = loops, Settings = settings ?? new Dictionary<string, string> { ["App"] = "builtin" } },
        [.. _events.OrderBy(e => e.Micros)],
        new RecordingFooter { Micros = _events.Max(e => e.Micros) + 1000, Events = _events.Count });

    private RecordingBuilder Add(RecordedEvent recorded)
    {
        _events.Add(recorded);
        return this;
    }

    /// <summary>The built-in app's /plaintext answer at the recording's first second.</summary>
    public const string Plaintext = "HTTP/1.1 200 OK\r\nDate: Sun, 01 Mar 2026 12:00:00 GMT\r\nServer: Testbed\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";

    public const string Get = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
}
