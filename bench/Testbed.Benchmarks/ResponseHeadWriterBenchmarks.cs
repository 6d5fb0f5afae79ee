using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Testbed.Engine.Connections;
using Testbed.Engine.Http;
using Testbed.Engine.Infrastructure;

namespace Testbed.Benchmarks;

/// <summary>
/// <see cref="ResponseHeadWriter.Write"/> for the TechEmpower plaintext response: 200, Date, Server,
/// Content-Type and Content-Length. The clock is fixed, so the Date value is formatted once and cached.
/// </summary>
[MemoryDiagnoser]
public class ResponseHeadWriterBenchmarks
{
    private readonly HeaderCollection _headers = new();
    private ConnectionContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _context = new ConnectionContext(
            _ => Task.CompletedTask,
            new ServerLimits(),
            new FixedTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero)),
            new SlabMemoryPool(),
            NullLogger.Instance,
            "Testbed");
        _headers["Content-Type"] = "text/plain";
        _headers["Content-Length"] = "13";

        var head = System.Text.Encoding.Latin1.GetString(Write());
        if (!head.StartsWith("HTTP/1.1 200 OK\r\n", StringComparison.Ordinal) || !head.EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected head: {head}");
        }
    }

    [Benchmark]
    public byte[] Write() => ResponseHeadWriter.Write(HttpVersion.Http11, 200, null, _headers, _context);

    /// <summary>A clock that never moves, so the benchmark never pays for re-formatting the Date.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
