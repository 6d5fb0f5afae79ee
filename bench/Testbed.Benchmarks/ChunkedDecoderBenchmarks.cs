using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Benchmarks;

/// <summary>
/// <see cref="ChunkedDecoder.Decode"/> of a 64 KiB body sent in 4 KiB chunks, from one contiguous segment and
/// from 4 KiB segments as the transport reads them into pool blocks (so framing lines straddle segments).
/// One decoder decodes one body, so each operation makes a new one, as the engine does per request.
/// The Ratio column is 4 KiB segments / contiguous.
/// </summary>
[MemoryDiagnoser]
public class ChunkedDecoderBenchmarks
{
    public const int BodySize = 64 * 1024;
    public const int ChunkSize = 4 * 1024;

    private readonly ServerLimits _limits = new();
    private readonly byte[] _destination = new byte[BodySize];
    private ReadOnlySequence<byte> _contiguous;
    private ReadOnlySequence<byte> _blocks;

    [GlobalSetup]
    public void Setup()
    {
        var wire = new MemoryStream();
        var payload = new byte[ChunkSize];
        Array.Fill(payload, (byte)'x');
        for (var sent = 0; sent < BodySize; sent += ChunkSize)
        {
            wire.Write(Encoding.ASCII.GetBytes($"{ChunkSize:x}\r\n"));
            wire.Write(payload);
            wire.Write("\r\n"u8);
        }

        wire.Write("0\r\n\r\n"u8);
        var bytes = wire.ToArray();
        _contiguous = Segments.Single(bytes);
        _blocks = Segments.OfSize(bytes, 4096);

        if (Contiguous() != BodySize || PoolBlocks() != BodySize)
        {
            throw new InvalidOperationException("The chunked body did not decode whole.");
        }
    }

    [Benchmark(Baseline = true, Description = "Decode, 1 segment")]
    public int Contiguous() => Decode(_contiguous);

    [Benchmark(Description = "Decode, 4 KiB segments")]
    public int PoolBlocks() => Decode(_blocks);

    private int Decode(ReadOnlySequence<byte> input)
    {
        var decoder = new ChunkedDecoder(_limits);
        var total = 0;
        while (!decoder.IsComplete)
        {
            total += decoder.Decode(input, _destination.AsSpan(total), out var consumed);
            input = input.Slice(consumed);
        }

        return total;
    }
}
