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
/// baseline answers 204 with no body; plaintext adds the head fields and the 13-byte body of TechEmpower's.
/// </summary>
[MemoryDiagnoser]
public class RequestCycleBenchmarks
{
    private static readonly byte[] Get = Encoding.ASCII.GetBytes("GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n");
    private static readonly ReadOnlyMemory<byte> Hello = Encoding.ASCII.GetBytes("Hello, World!");

    private Simulation _simulation = null!;
    private SimulatedServer _server = null!;
    private SimConnection _client = null!;
    private Func<bool> _answered = null!;
    private int _responseLength;

    [GlobalSetup(Target = nameof(NoContentCycle))]
    public void SetupNoContent() => Setup(NoContent, plaintext: false);

    [GlobalSetup(Target = nameof(PlaintextCycle))]
    public void SetupPlaintext() => Setup(Plaintext, plaintext: true);

    private void Setup(RequestDelegate app, bool plaintext)
    {
        _simulation = new Simulation(1, new SimulationOptions { Trace = false, VerifyWriteBuffers = false });
        _server = SimulatedServer.Start(_simulation, app);
        _client = _server.Connect();
        _client.RecordWrites = false;
        _answered = () => _responseLength > 0 && _client.ReceivedSpan.Length >= _responseLength;

        // The first response fixes the length every later one has (its Date changes, not its size, within a run
        // this short), and warms the connection's pools.
        _client.Send(Get);
        _simulation.RunUntil(() => _client.ReceivedSpan.IndexOf("\r\n\r\n"u8) >= 0 && (!plaintext || _client.ReceivedSpan.EndsWith("Hello, World!"u8)));
        _responseLength = _client.ReceivedSpan.Length;
        _client.DiscardReceived(_responseLength);
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

    private void Cycle()
    {
        _client.Send(Get);
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
}
