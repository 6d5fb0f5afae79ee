using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Testbed.Engine.Connections;
using Testbed.Engine.Http;
using Testbed.Engine.Infrastructure;

namespace Testbed.Benchmarks;

/// <summary>
/// <see cref="ResponseHeadWriter.Prepare"/> + <see cref="ResponseHeadWriter.Write"/> for the TechEmpower plaintext
/// response (200, Date, Server, Content-Type, Content-Length) into a span, as <see cref="ResponseHeadWriter.SendAsync"/>
/// does into the output's pool block. The clock is fixed, so the Date value is formatted once and cached. The
/// baseline copies the finished head bytes into the same span: the floor for producing them. Both expect 0 B.
/// </summary>
[MemoryDiagnoser]
public class ResponseHeadWriterBenchmarks
{
    private readonly HeaderCollection _headers = new();
    private readonly byte[] _destination = new byte[256];
    private ConnectionContext _context = null!;
    private byte[] _finished = null!;

    [GlobalSetup]
    public void Setup()
    {
        _context = new ConnectionContext(
            _ => Task.CompletedTask,
            new ServerLimits(),
            FixedTimeProvider.Instance,
            new SlabMemoryPool(),
            NullLogger.Instance,
            "Testbed");
        _headers["Content-Type"] = "text/plain";
        _headers["Content-Length"] = "13";

        _finished = _destination.AsSpan(0, PrepareAndWrite()).ToArray();
        var text = System.Text.Encoding.Latin1.GetString(_finished);
        if (!text.StartsWith("HTTP/1.1 200 OK\r\nDate: ", StringComparison.Ordinal) || !text.EndsWith("Content-Length: 13\r\n\r\n", StringComparison.Ordinal)
            || CopyFinished() != _finished.Length)
        {
            throw new InvalidOperationException($"Unexpected head: {text}");
        }
    }

    [Benchmark(Baseline = true, Description = "Copy finished head")]
    public int CopyFinished()
    {
        _finished.CopyTo(_destination.AsSpan());
        return _finished.Length;
    }

    [Benchmark(Description = "Prepare + Write")]
    public int PrepareAndWrite()
    {
        var head = ResponseHeadWriter.Prepare(HttpVersion.Http11, 200, null, _headers, _context);
        ResponseHeadWriter.Write(_destination.AsSpan(0, head.Length), head);
        return head.Length;
    }
}
