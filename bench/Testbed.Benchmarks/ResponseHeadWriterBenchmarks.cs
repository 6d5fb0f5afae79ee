using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Testbed.Engine.Connections;
using Testbed.Engine.Http;
using Testbed.Engine.Infrastructure;

namespace Testbed.Benchmarks;

/// <summary>
/// <see cref="ResponseHeadWriter.Write"/> for the TechEmpower plaintext response: 200, Date, Server,
/// Content-Type and Content-Length. The clock is fixed, so the Date value is formatted once and cached.
/// The baseline encodes the finished head text to a new byte[], the least an API that returns a new array
/// can do; the Ratio column is what building the head costs on top of that.
/// </summary>
[MemoryDiagnoser]
public class ResponseHeadWriterBenchmarks
{
    private readonly HeaderCollection _headers = new();
    private ConnectionContext _context = null!;
    private string _headText = null!;

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

        _headText = Encoding.Latin1.GetString(Write());
        if (!_headText.StartsWith("HTTP/1.1 200 OK\r\n", StringComparison.Ordinal) || !_headText.EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected head: {_headText}");
        }
    }

    [Benchmark(Baseline = true, Description = "Encode finished head")]
    public byte[] EncodeOnly() => Encoding.Latin1.GetBytes(_headText);

    [Benchmark(Description = "ResponseHeadWriter.Write")]
    public byte[] Write()
    {
        var head = ResponseHeadWriter.Prepare(HttpVersion.Http11, 200, null, _headers, _context);
        var bytes = new byte[head.Length];
        ResponseHeadWriter.Write(bytes, head);
        return bytes;
    }

    /// <summary>A clock that never moves, so the benchmark never pays for re-formatting the Date.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
