using System.Text;
using Testbed.Specs.Support;
using Testbed.Transports.Recording;

namespace Testbed.Specs.Recorder;

/// <summary>The background writer: what it writes reads back, its cap, its drops, its footer.</summary>
public sealed class RecordingWriterSpecs
{
    private static readonly RecordingHeader Header = new()
    {
        Started = default,
        Bodies = RecordBodies.Full,
        Loops = 2,
        Settings = new Dictionary<string, string> { ["Limits:MaxRequestBufferSize"] = "1048576", ["App"] = "builtin" },
    };

    [Fact]
    public void Every_kind_round_trips_through_Recording_Load_with_only_its_fields()
    {
        using var file = new TempFile();
        var before = DateTimeOffset.UtcNow;
        var writer = new RecordingWriter(File.Create(file.Path), Header);
        var c = writer.Accept(loop: 1);
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n");
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = request.Length, Bytes = request, Loop = 7, Status = 9 }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = 3, Hash = 0xABCDEFul }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Write, c) { Count = 5, Write = 1, Hash = 0x0123456789abcdeful, Bytes = [1, 2, 3, 4, 5] }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.WriteDone, c) { Write = 1, Status = 0, Count = 5 }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.ReadError, c) { Status = -104 }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Eof, c) { Status = 3 }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Shutdown, c)));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.ShutdownDone, c) { Status = -32 }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Close, c)));
        writer.Complete();

        var recording = Recording.Load(file.Path);

        Assert.Equal(RecordBodies.Full, recording.Header.Bodies);
        Assert.Equal(2, recording.Header.Loops);
        Assert.Equal(Header.Settings, recording.Header.Settings);
        Assert.InRange(recording.Header.Started, before, DateTimeOffset.UtcNow);
        var e = recording.Events;
        Assert.Equal(
            [
                new RecordedEvent { Micros = e[0].Micros, Kind = RecordedKind.Accept, Connection = 1, Loop = 1 },
                new RecordedEvent { Micros = e[1].Micros, Kind = RecordedKind.Read, Connection = 1, Count = request.Length, Bytes = e[1].Bytes },
                new RecordedEvent { Micros = e[2].Micros, Kind = RecordedKind.Read, Connection = 1, Count = 3, Hash = "0000000000abcdef" },
                new RecordedEvent { Micros = e[3].Micros, Kind = RecordedKind.Write, Connection = 1, Count = 5, Write = 1, Hash = "0123456789abcdef", Bytes = e[3].Bytes },
                new RecordedEvent { Micros = e[4].Micros, Kind = RecordedKind.WriteDone, Connection = 1, Write = 1, Status = 0 },
                new RecordedEvent { Micros = e[5].Micros, Kind = RecordedKind.ReadError, Connection = 1, Status = -104 },
                new RecordedEvent { Micros = e[6].Micros, Kind = RecordedKind.Eof, Connection = 1 },
                new RecordedEvent { Micros = e[7].Micros, Kind = RecordedKind.Shutdown, Connection = 1 },
                new RecordedEvent { Micros = e[8].Micros, Kind = RecordedKind.ShutdownDone, Connection = 1, Status = -32 },
                new RecordedEvent { Micros = e[9].Micros, Kind = RecordedKind.Close, Connection = 1 },
            ],
            e);
        Assert.Equal(request, e[1].Bytes);
        Assert.Equal([1, 2, 3, 4, 5], e[3].Bytes!);
        Assert.Equal(new RecordingFooter { Micros = recording.Footer!.Micros, Events = 10, Dropped = 0, Truncated = false }, recording.Footer);
        Assert.True(recording.Footer.Micros >= e[^1].Micros, "the footer's end is after the last event");
        Assert.Equal(new FileInfo(file.Path).Length, writer.Bytes);
        Assert.Equal(10, writer.Events);
        Assert.Equal(1, writer.Connections);
    }

    [Theory]
    [InlineData(RecordedKind.Accept)]
    [InlineData(RecordedKind.Read)]
    [InlineData(RecordedKind.Eof)]
    [InlineData(RecordedKind.ReadError)]
    [InlineData(RecordedKind.Write)]
    [InlineData(RecordedKind.WriteDone)]
    [InlineData(RecordedKind.Shutdown)]
    [InlineData(RecordedKind.ShutdownDone)]
    [InlineData(RecordedKind.Close)]
    public void The_writers_own_line_is_byte_for_byte_the_serializers(RecordedKind kind)
    {
        foreach (var entry in new[]
        {
            new RecordingEntry(kind, 12) { Loop = 3, Count = 5, Write = 7, Status = -104, Hash = 0x00ff00ff00ff00fful, Bytes = [0, 1, 2, 250, 251, 252, (byte)'"', (byte)'<'] },
            new RecordingEntry(kind, int.MaxValue) { Loop = 0, Count = 0, Write = 0, Status = 0 },
        })
        {
            var pending = new RecordingWriter.Pending(long.MaxValue / 3, entry);
            using var serialized = new MemoryStream();
            RecordingLines.WriteEvent(serialized, RecordingWriter.ToEvent(pending));

            Assert.Equal(Encoding.UTF8.GetString(serialized.ToArray()), RecordingWriter.RenderForSpec(pending.Micros, entry));
        }
    }

    [Fact]
    public void Connections_are_numbered_in_accept_order_and_events_stay_in_time_order_across_threads()
    {
        using var file = new TempFile();
        var writer = new RecordingWriter(File.Create(file.Path), Header);
        var threads = Enumerable.Range(0, 4).Select(loop => new Thread(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var c = writer.Accept(loop);
                writer.TryAdd(new RecordingEntry(RecordedKind.Close, c));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        writer.Complete();

        // Load refuses a line whose time is before the one above it.
        var recording = Recording.Load(file.Path);

        Assert.Equal(16_000, recording.Events.Count);
        var accepts = recording.Events.Where(e => e.Kind == RecordedKind.Accept).Select(e => e.Connection).ToList();
        Assert.Equal(Enumerable.Range(1, 8_000), accepts);
        Assert.Equal(0, recording.Footer!.Dropped);
    }

    [Fact]
    public void At_the_size_cap_it_stops_and_the_footer_says_truncated()
    {
        using var file = new TempFile();
        var writer = new RecordingWriter(File.Create(file.Path), Header, maxBytes: 2_000);
        var c = writer.Accept(0);
        for (var i = 0; i < 200; i++)
        {
            writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = 10, Bytes = new byte[10] });
        }

        writer.Complete();
        var recording = Recording.Load(file.Path);

        Assert.True(recording.Footer!.Truncated);
        Assert.True(writer.Truncated);
        Assert.InRange(recording.Events.Count, 2, 200);
        Assert.Equal(recording.Events.Count, recording.Footer.Events);
        var footerLength = Encoding.UTF8.GetByteCount(File.ReadLines(file.Path).Last()) + 1;
        Assert.InRange(new FileInfo(file.Path).Length - footerLength, 2_000 - 200, 2_000);
        Assert.False(writer.TryAdd(new RecordingEntry(RecordedKind.Close, c)), "nothing is taken after the cap");
    }

    [Fact]
    public void A_full_queue_drops_and_counts_without_making_the_caller_wait_for_the_file()
    {
        using var file = new TempFile();
        using var stall = new ManualResetEventSlim();
        var writer = new RecordingWriter(new StallingStream(File.Create(file.Path), stall), Header, queueCapacity: 4);

        // The writer thread is stuck writing the header; the queue takes 4 and drops the rest, at once.
        var start = TimeProvider.System.GetTimestamp();
        var c = writer.Accept(0);
        var taken = Enumerable.Range(0, 9).Count(_ => writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = 1, Bytes = [42] }));
        var took = TimeProvider.System.GetElapsedTime(start);

        Assert.Equal(3, taken);
        Assert.Equal(6, writer.Dropped);
        Assert.True(took < TimeSpan.FromSeconds(1), $"adding to a full queue took {took}");
        stall.Set();
        writer.Complete();
        var recording = Recording.Load(file.Path);
        Assert.Equal(4, recording.Events.Count);
        Assert.Equal(6, recording.Footer!.Dropped);
        Assert.NotNull(recording.Footer.FirstDropped);
        Assert.True(recording.Footer.FirstDropped >= recording.Events[^1].Micros);
    }

    [Fact]
    public void A_byte_budget_drops_events_whose_bytes_would_not_fit()
    {
        using var file = new TempFile();
        using var stall = new ManualResetEventSlim();
        var writer = new RecordingWriter(new StallingStream(File.Create(file.Path), stall), Header, queueBytes: 100);
        var c = writer.Accept(0);

        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = 60, Bytes = new byte[60] }));
        Assert.False(writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = 60, Bytes = new byte[60] }));
        Assert.True(writer.TryAdd(new RecordingEntry(RecordedKind.Eof, c)));
        stall.Set();
        writer.Complete();

        Assert.Equal(1, Recording.Load(file.Path).Footer!.Dropped);
    }

    [Fact]
    public void Dispose_drains_the_queue_and_writes_the_footer_once()
    {
        using var file = new TempFile();
        RecordingWriter writer;
        using (writer = new RecordingWriter(File.Create(file.Path), Header))
        {
            var c = writer.Accept(0);
            for (var i = 0; i < 1_000; i++)
            {
                writer.TryAdd(new RecordingEntry(RecordedKind.Read, c) { Count = 1, Bytes = [1] });
            }
        }

        writer.Complete(); // Idempotent.
        var recording = Recording.Load(file.Path);
        Assert.Equal(1_001, recording.Events.Count);
        Assert.Equal(1_001, recording.Footer!.Events);
        Assert.Equal(recording.Footer, writer.Footer);
        Assert.Single(File.ReadLines(file.Path), line => line.Contains("\"end\"", StringComparison.Ordinal));
        Assert.False(writer.TryAdd(new RecordingEntry(RecordedKind.Close, 1)), "nothing is taken after completion");
    }

    /// <summary>A file whose writes wait for <c>release</c>: a disk that has stopped keeping up.</summary>
    private sealed class StallingStream(Stream inner, ManualResetEventSlim release) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)), "the spec never released the stalled stream");
            inner.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
