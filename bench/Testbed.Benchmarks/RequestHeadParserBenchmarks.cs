using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Benchmarks;

/// <summary>
/// <see cref="RequestHeadParser.TryParse"/> on a whole head. The baseline parses into a fresh <see cref="RequestHead"/>
/// each time: what the first request of a new connection pays (the head, its header collection, every string).
/// The others parse into one head reused across operations, the steady state of a keep-alive connection whose
/// client repeats itself (the strings of the previous request are kept: expected 0 B): in one segment (the usual
/// case, one read) and split across 3 segments (the head arrived in pieces, so the parser tries the first
/// segment, then copies the head into one pooled span).
/// </summary>
[MemoryDiagnoser]
public class RequestHeadParserBenchmarks
{
    /// <summary>What the TechEmpower plaintext client (wrk with its pipeline script) sends.</summary>
    public const string PlaintextHead =
        "GET /plaintext HTTP/1.1\r\n" +
        "Host: localhost:8080\r\n" +
        "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
        "Connection: keep-alive\r\n" +
        "\r\n";

    /// <summary>A typical browser navigation: about 500 bytes, 10 header fields.</summary>
    public const string BrowserHead =
        "GET /articles/2024/http-parsing?page=2&sort=recent HTTP/1.1\r\n" +
        "Host: www.example.com\r\n" +
        "Connection: keep-alive\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n" +
        "Sec-Fetch-Site: same-origin\r\n" +
        "Sec-Fetch-Mode: navigate\r\n" +
        "Referer: https://www.example.com/articles/2024/\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Accept-Language: en-GB,en;q=0.9,de;q=0.8\r\n" +
        "\r\n";

    private readonly ServerLimits _limits = new();
    private readonly RequestHead _head = new();
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _split;

    public enum HeadKind
    {
        Plaintext,
        Browser,
    }

    [ParamsAllValues]
    public HeadKind Head { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bytes = Encoding.ASCII.GetBytes(Head == HeadKind.Plaintext ? PlaintextHead : BrowserHead);
        _single = Segments.Single(bytes);
        _split = Segments.Split(bytes, 3);
        Check(_single, new RequestHead());
        Check(_single, _head);
        var target = _head.Target;
        Check(_split, _head);
        if (!ReferenceEquals(target, _head.Target))
        {
            throw new InvalidOperationException($"{Head} head: the reused head did not keep the repeated target's string.");
        }
    }

    [Benchmark(Baseline = true, Description = "TryParse, fresh head, 1 segment")]
    public bool FreshHead() => RequestHeadParser.TryParse(_single, _limits, new RequestHead(), out _);

    [Benchmark(Description = "TryParse, reused head, 1 segment")]
    public bool SingleSegment() => RequestHeadParser.TryParse(_single, _limits, _head, out _);

    [Benchmark(Description = "TryParse, reused head, 3 segments")]
    public bool ThreeSegments() => RequestHeadParser.TryParse(_split, _limits, _head, out _);

    /// <summary>Fails fast rather than time a parser that says "incomplete".</summary>
    private void Check(ReadOnlySequence<byte> buffer, RequestHead head)
    {
        if (!RequestHeadParser.TryParse(buffer, _limits, head, out var consumed)
            || !consumed.Equals(buffer.End)
            || head.Headers.Count != (Head == HeadKind.Plaintext ? 3 : 10)
            || head.Method != "GET")
        {
            throw new InvalidOperationException($"{Head} head did not parse whole.");
        }
    }
}
