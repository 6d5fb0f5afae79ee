using System.Globalization;
using System.IO.Hashing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Recording;

namespace Testbed.Transports.Native;

/// <summary>
/// The recording of one server on <see cref="NativeLibuv"/> (<c>RecordTo</c>): it opens the file when the first
/// loop starts (µs 0), hands each loop a <see cref="LoopRecording"/>, and completes the file at host stop or
/// when the container is disposed, whichever comes first.
/// </summary>
internal sealed class NativeRecorder(RecordingOptions options, IOptions<TestbedServerOptions> server) : IDisposable
{
    private readonly Lock _gate = new();
    private RecordingWriter? _writer;
    private bool _completed;

    /// <summary>The loop started <paramref name="loop"/>-th (0-based) records through the returned object, on its own thread only.</summary>
    public LoopRecording? ForLoop(int loop)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return null;
            }

            _writer ??= Open();
            return new LoopRecording(_writer, options.Bodies, loop);
        }
    }

    /// <summary>Drains and closes the file, then tells <see cref="RecordingOptions.Completed"/>. Idempotent.</summary>
    public void Complete()
    {
        RecordingWriter? writer;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            writer = _writer;
        }

        if (writer is not null)
        {
            writer.Complete();
            options.Completed?.Invoke(writer);
        }
    }

    public void Dispose() => Complete();

    private RecordingWriter Open()
    {
        var file = new FileStream(options.Path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        var header = new RecordingHeader
        {
            Started = default, // The writer sets it to its own µs 0.
            Bodies = options.Bodies,
            Loops = server.Value.ThreadCount,
            Settings = Settings(server.Value, options.Settings),
        };
        return new RecordingWriter(file, header, options.MaxBytes, options.QueueCapacity, options.QueueBytes);
    }

    /// <summary>
    /// The server's configuration as configuration keys a replay binds back: every limit under "Limits:" by its
    /// property name (null is "unlimited"; a data rate is two keys, ":BytesPerSecond" and ":GracePeriod"),
    /// the options that change what is written, then the caller's own settings.
    /// </summary>
    internal static Dictionary<string, string> Settings(TestbedServerOptions server, IReadOnlyDictionary<string, string> extra)
    {
        var limits = server.Limits;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(settings, nameof(ServerLimits.MaxRequestLineSize), limits.MaxRequestLineSize);
        Add(settings, nameof(ServerLimits.MaxRequestHeadersTotalSize), limits.MaxRequestHeadersTotalSize);
        Add(settings, nameof(ServerLimits.MaxRequestHeaderCount), limits.MaxRequestHeaderCount);
        Add(settings, nameof(ServerLimits.MaxRequestBodySize), limits.MaxRequestBodySize);
        Add(settings, nameof(ServerLimits.MaxRequestBufferSize), limits.MaxRequestBufferSize);
        Add(settings, nameof(ServerLimits.MaxResponseBufferSize), limits.MaxResponseBufferSize);
        Add(settings, nameof(ServerLimits.MaxConcurrentConnections), limits.MaxConcurrentConnections);
        settings[$"Limits:{nameof(ServerLimits.KeepAliveTimeout)}"] = Time(limits.KeepAliveTimeout);
        settings[$"Limits:{nameof(ServerLimits.RequestHeadersTimeout)}"] = Time(limits.RequestHeadersTimeout);
        AddRate(settings, nameof(ServerLimits.MinRequestBodyDataRate), limits.MinRequestBodyDataRate);
        AddRate(settings, nameof(ServerLimits.MinResponseDataRate), limits.MinResponseDataRate);
        settings[nameof(TestbedServerOptions.ShutdownTimeout)] = Time(server.ShutdownTimeout);
        settings[nameof(TestbedServerOptions.ServerHeader)] = server.ServerHeader;
        settings[nameof(TestbedServerOptions.AllowSynchronousIO)] = server.AllowSynchronousIO ? "true" : "false";
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private const string Unlimited = "unlimited";

    private static void Add(Dictionary<string, string> settings, string name, long? value) =>
        settings[$"Limits:{name}"] = value?.ToString(CultureInfo.InvariantCulture) ?? Unlimited;

    private static void AddRate(Dictionary<string, string> settings, string name, MinDataRate? rate)
    {
        if (rate is null)
        {
            settings[$"Limits:{name}"] = Unlimited;
            return;
        }

        settings[$"Limits:{name}:{nameof(MinDataRate.BytesPerSecond)}"] = rate.BytesPerSecond.ToString("R", CultureInfo.InvariantCulture);
        settings[$"Limits:{name}:{nameof(MinDataRate.GracePeriod)}"] = Time(rate.GracePeriod);
    }

    private static string Time(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}

/// <summary>Completes the recording once the host has stopped (every hosted service's StopAsync, the server's included).</summary>
internal sealed class RecordingLifetime(NativeRecorder recorder) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        recorder.Complete();
        return Task.CompletedTask;
    }
}

/// <summary>
/// One loop's side of the recording, touched by that loop's thread only: its connections (by their
/// <c>uv_tcp_t*</c>), each with its number, running output hash and write counters.
/// </summary>
internal sealed unsafe class LoopRecording(RecordingWriter writer, RecordBodies bodies, int loop)
{
    private readonly Dictionary<nint, ConnectionRecord> _connections = [];

    public void Accepted(UvStreamHandle client) =>
        _connections[client.Native] = new ConnectionRecord(writer.Accept(loop));

    public bool IsConnection(nint stream) => _connections.ContainsKey(stream);

    /// <summary>A read callback: bytes (copied; the engine reuses its buffer), EOF or an error. 0 (EAGAIN) is not an event.</summary>
    public void Read(nint stream, nint nread, nint data)
    {
        if (nread == 0 || !_connections.TryGetValue(stream, out var connection))
        {
            return;
        }

        if (nread == UvStatus.EOF)
        {
            writer.TryAdd(new RecordingEntry(RecordedKind.Eof, connection.Id));
        }
        else if (nread < 0)
        {
            writer.TryAdd(new RecordingEntry(RecordedKind.ReadError, connection.Id) { Status = (int)nread });
        }
        else
        {
            var bytes = new ReadOnlySpan<byte>((void*)data, (int)nread);
            writer.TryAdd(bodies == RecordBodies.None
                ? new RecordingEntry(RecordedKind.Read, connection.Id) { Count = bytes.Length, Hash = XxHash64.HashToUInt64(bytes) }
                : new RecordingEntry(RecordedKind.Read, connection.Id) { Count = bytes.Length, Bytes = bytes.ToArray() });
        }
    }

    /// <summary>A submitted uv_write: its number on the connection (0 when the stream is not a recorded connection).</summary>
    public int Write(nint stream, ReadOnlySpan<UvBuffer> buffers)
    {
        if (!_connections.TryGetValue(stream, out var connection))
        {
            return 0;
        }

        var count = 0;
        foreach (var buffer in buffers)
        {
            var span = new ReadOnlySpan<byte>((void*)buffer.Pointer, buffer.Length);
            connection.Output.Append(span);
            count += span.Length;
        }

        byte[]? bytes = null;
        if (bodies == RecordBodies.Full)
        {
            bytes = new byte[count];
            var at = 0;
            foreach (var buffer in buffers)
            {
                new ReadOnlySpan<byte>((void*)buffer.Pointer, buffer.Length).CopyTo(bytes.AsSpan(at));
                at += buffer.Length;
            }
        }

        var number = ++connection.Submitted;
        writer.TryAdd(new RecordingEntry(RecordedKind.Write, connection.Id)
        {
            Count = count,
            Write = number,
            Hash = connection.Output.GetCurrentHashAsUInt64(),
            Bytes = bytes,
        });
        return number;
    }

    /// <summary>A write callback. libuv completes one stream's writes in submit order; this asserts it.</summary>
    public void WriteDone(nint stream, int number, int status)
    {
        if (!_connections.TryGetValue(stream, out var connection))
        {
            return;
        }

        connection.Completed++;
        Invariant.Assert(number == connection.Completed, "libuv completed a connection's writes out of submit order");
        writer.TryAdd(new RecordingEntry(RecordedKind.WriteDone, connection.Id) { Write = number, Status = status });
    }

    public void Event(nint stream, RecordedKind kind, int status = 0)
    {
        if (_connections.TryGetValue(stream, out var connection))
        {
            writer.TryAdd(new RecordingEntry(kind, connection.Id) { Status = status });
        }
    }

    /// <summary>The close callback: libuv is done with the handle, and its address may be reused.</summary>
    public void Closed(nint stream) => _connections.Remove(stream);

    private sealed class ConnectionRecord(int id)
    {
        public int Id { get; } = id;

        public XxHash64 Output { get; } = new();

        public int Submitted { get; set; }

        public int Completed { get; set; }
    }
}
