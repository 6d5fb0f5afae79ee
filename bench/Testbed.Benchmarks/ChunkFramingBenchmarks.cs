using BenchmarkDotNet.Attributes;
using Testbed.Engine.Connections;
using Testbed.Engine.Http;

namespace Testbed.Benchmarks;

/// <summary>
/// Chunk framing on the <see cref="SocketOutput"/> path, over the mock transport (<see cref="MockSocketOutput"/>):
/// one chunk of a chunked response, as the response body stream sends it (<see cref="ChunkPrefix.Format"/> into a
/// stackalloc'd span, then one <see cref="SocketOutput.WriteChunkAsync"/> of prefix, data and CRLF), against the
/// baseline of writing the data alone (immediate). Each operation runs the simulation until the socket took every
/// byte. Ratio and Alloc Ratio are what the framing adds per chunk; the engine's part is expected to be 0 B.
/// </summary>
[MemoryDiagnoser]
public class ChunkFramingBenchmarks
{
    private MockSocketOutput _mock = null!;
    private byte[] _data = null!;

    [Params(13, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _mock = new MockSocketOutput();
        _data = new byte[Size];
        for (var i = 0; i < _data.Length; i++)
        {
            _data[i] = (byte)('a' + (i % 26));
        }

        _mock.Check(_mock.Output.WriteAsync(_data, immediate: true), _data, "data alone");
        Span<byte> prefix = stackalloc byte[18];
        var framed = new byte[ChunkPrefix.Format(Size, prefix) + Size + 2];
        prefix[..(framed.Length - Size - 2)].CopyTo(framed);
        _data.CopyTo(framed, framed.Length - Size - 2);
        "\r\n"u8.CopyTo(framed.AsSpan(framed.Length - 2));
        _mock.Check(WriteChunk(), framed, "chunk");
        if (framed[0] != (Size == 13 ? (byte)'d' : (byte)'1'))
        {
            throw new InvalidOperationException("unexpected chunk-size line");
        }

        for (var i = 0; i < 100; i++)
        {
            DataAlone();
            Chunk();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _mock.Stop();

    [Benchmark(Baseline = true, Description = "WriteAsync data, immediate")]
    public void DataAlone()
    {
        _ = _mock.Output.WriteAsync(_data, immediate: true);
        _mock.RunUntilFlushed();
    }

    [Benchmark(Description = "ChunkPrefix.Format + WriteChunkAsync")]
    public void Chunk()
    {
        _ = WriteChunk();
        _mock.RunUntilFlushed();
    }

    private Task WriteChunk()
    {
        Span<byte> prefix = stackalloc byte[18];
        var length = ChunkPrefix.Format(_data.Length, prefix);
        return _mock.Output.WriteChunkAsync(prefix[..length], _data, "\r\n"u8);
    }
}
