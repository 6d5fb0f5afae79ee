using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Testbed.Engine.Connections;
using Testbed.Engine.Http;
using Testbed.Engine.Infrastructure;

namespace Testbed.Benchmarks;

/// <summary>
/// The <see cref="SocketOutput"/> write path on the mock transport (<see cref="MockSocketOutput"/>): one operation
/// writes, then runs the simulation until the socket has taken every byte (the mock's uv_write completed and the
/// client received them). The simulation, loop, socket, output and pool live across operations, so Allocated is
/// the steady state: the engine's part (expected 0 B) plus the mock's (its events, its write record, its copy of
/// the bytes sent). The baseline is one immediate 13-byte write; the others are the plaintext response (head
/// through <see cref="ResponseHeadWriter.SendAsync"/>, not immediate, then the 13-byte body, immediate) and one
/// immediate 16 KiB write (four 4 KiB pool blocks).
/// </summary>
[MemoryDiagnoser]
public class SocketOutputBenchmarks
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("Hello, World!");
    private static readonly byte[] Large = CreateLarge();

    private readonly HeaderCollection _headers = new();
    private MockSocketOutput _mock = null!;
    private ConnectionContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _mock = new MockSocketOutput();
        _context = new ConnectionContext(
            _ => Task.CompletedTask,
            new ServerLimits(),
            FixedTimeProvider.Instance,
            _mock.Pool,
            NullLogger.Instance,
            "Testbed");
        _headers["Content-Type"] = "text/plain";
        _headers["Content-Length"] = "13";

        _mock.Check(_mock.Output.WriteAsync(Hello, immediate: true), Hello, "13-byte write");
        _mock.Check(_mock.Output.WriteAsync(Large, immediate: true), Large, "16 KiB write");
        var head = ResponseHeadWriter.Prepare(HttpVersion.Http11, 200, null, _headers, _context);
        var response = new byte[head.Length + Hello.Length];
        ResponseHeadWriter.Write(response.AsSpan(0, head.Length), head);
        Hello.CopyTo(response, head.Length);
        _mock.Check(SendResponse(), response, "head + body");
        if (!Encoding.ASCII.GetString(response).StartsWith("HTTP/1.1 200 OK\r\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("unexpected head");
        }

        // Warm the pool, the output's write batches and the mock's buffers.
        for (var i = 0; i < 100; i++)
        {
            Small();
            HeadAndBody();
            SixteenKiB();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _mock.Stop();

    [Benchmark(Baseline = true, Description = "WriteAsync 13 B, immediate")]
    public void Small()
    {
        _ = _mock.Output.WriteAsync(Hello, immediate: true);
        _mock.RunUntilFlushed();
    }

    [Benchmark(Description = "head (SendAsync) + 13 B body")]
    public void HeadAndBody()
    {
        _ = SendResponse();
        _mock.RunUntilFlushed();
    }

    [Benchmark(Description = "WriteAsync 16 KiB, immediate")]
    public void SixteenKiB()
    {
        _ = _mock.Output.WriteAsync(Large, immediate: true);
        _mock.RunUntilFlushed();
    }

    private Task SendResponse()
    {
        var head = ResponseHeadWriter.Prepare(HttpVersion.Http11, 200, null, _headers, _context);
        _ = ResponseHeadWriter.SendAsync(_mock.Output, head, immediate: false);
        return _mock.Output.WriteAsync(Hello, immediate: true);
    }

    private static byte[] CreateLarge()
    {
        var bytes = new byte[16 * 1024];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }
}
