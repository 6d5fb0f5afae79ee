using System.Text;
using BenchmarkDotNet.Attributes;
using Testbed.Engine.App;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Benchmarks;

/// <summary>
/// One keep-alive request cycle on the mock transport, as issue 9 asks to measure it: the client sends a GET on a
/// connection that stays open, the engine parses it, the app answers, the response goes out through
/// SocketOutput and uv_write, and the client has all of it. The server, the connection and the simulation live
/// across operations (trace off, no write-buffer verification, no checkers), so Allocated is what one
/// steady-state request costs: the engine's part and the mock's (events, its copy of the bytes sent). The
/// baseline answers 204 with no body; plaintext adds the head fields and the 13-byte body of TechEmpower's;
/// chunked writes the same body without a Content-Length (one chunk, then the last chunk); pipelined sends
/// <see cref="Depth"/> plaintext requests in one segment, as wrk's pipeline script does, and counts per request
/// (OperationsPerInvoke), so its Mean and Allocated compare with plaintext's directly.
/// </summary>
[MemoryDiagnoser]
public class RequestCycleBenchmarks
{
    private static readonly byte[] Get = Encoding.ASCII.GetBytes("GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n");
    public const int Depth = 16;

    private static readonly byte[] Pipelined = [.. Enumerable.Repeat(Get, Depth).SelectMany(request => request)];
    private static readonly ReadOnlyMemory<byte> Hello = Encoding.ASCII.GetBytes("Hello, World!");

    private Simulation _simulation = null!;
    private SimulatedServer _server = null!;
    private SimConnection _client = null!;
    private Func<bool> _answered = null!;
    private int _responseLength;
    private byte[] _request = Get;

    [GlobalSetup(Target = nameof(NoContentCycle))]
    public void SetupNoContent() => Setup(NoContent, "HTTP/1.1 204 No Content\r\n", "\r\n\r\n"u8);

    [GlobalSetup(Target = nameof(PlaintextCycle))]
    public void SetupPlaintext() => Setup(Plaintext, "Content-Length: 13\r\n", "Hello, World!"u8);

    [GlobalSetup(Target = nameof(ChunkedCycle))]
    public void SetupChunked() => Setup(Chunked, "Transfer-Encoding: chunked\r\n", "\r\nd\r\nHello, World!\r\n0\r\n\r\n"u8);

    [GlobalSetup(Target = nameof(PipelinedCycle))]
    public void SetupPipelined() => Setup(Plaintext, "Content-Length: 13\r\n", "Hello, World!"u8, pipelined: true);

    private void Setup(RequestDelegate app, string field, ReadOnlySpan<byte> end, bool pipelined = false)
    {
        _simulation = new Simulation(1, new SimulationOptions { Trace = false, VerifyWriteBuffers = false });
        _server = SimulatedServer.Start(_simulation, app);
        _client = _server.Connect();
        _client.RecordWrites = false;
        _answered = () => _responseLength > 0 && _client.ReceivedSpan.Length >= _responseLength;

        // The first response fixes the length every later one has (its Date changes, not its size, within a run
        // this short), and warms the connection's pools.
        _client.Send(Get);
        var ending = end.ToArray();
        _simulation.RunUntil(() => _client.ReceivedSpan.IndexOf("\r\n\r\n"u8) >= 0 && _client.ReceivedSpan.EndsWith(ending));
        var response = _client.ReceivedText;
        if (!response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || !response.Contains(field, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unexpected response: {response}");
        }

        _responseLength = _client.ReceivedSpan.Length;
        _client.DiscardReceived(_responseLength);
        if (pipelined)
        {
            // Every later operation sends Depth requests and waits for Depth responses of the same length.
            _request = Pipelined;
            _responseLength *= Depth;
            Cycle();
            if (_client.ReceivedSpan.Length != 0)
            {
                throw new InvalidOperationException("pipelined responses were not all of the first one's length");
            }
        }

        for (var i = 0; i < 100; i++)
        {
            Cycle();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Stop();

    [Benchmark(Baseline = true, Description = "204, no body")]
    public void NoContentCycle() => Cycle();

    [Benchmark(Description = "plaintext")]
    public void PlaintextCycle() => Cycle();

    [Benchmark(Description = "chunked, 1 chunk")]
    public void ChunkedCycle() => Cycle();

    [Benchmark(Description = "plaintext, 16 pipelined (per request)", OperationsPerInvoke = Depth)]
    public void PipelinedCycle() => Cycle();

    private void Cycle()
    {
        _client.Send(_request);
        _simulation.RunUntil(_answered);
        _client.DiscardReceived(_responseLength);
    }

    private static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private static Task Plaintext(HttpContext context)
    {
        context.Response.Headers["Content-Type"] = "text/plain";
        context.Response.Headers["Content-Length"] = "13";
        return context.Response.WriteAsync(Hello);
    }

    private static Task Chunked(HttpContext context)
    {
        context.Response.Headers["Content-Type"] = "text/plain";
        return context.Response.WriteAsync(Hello);
    }
}
