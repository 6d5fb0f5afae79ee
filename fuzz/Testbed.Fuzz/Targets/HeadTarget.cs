using System.Buffers;

namespace Testbed.Fuzz.Targets;

/// <summary>
/// Fuzz target for <see cref="Testbed.Engine.Http.Parsing.RequestHeadParser"/>. The parser is stateless and
/// re-run from the start as bytes arrive, so its answer must not depend on how the bytes are segmented, and
/// a prefix of a good head must be "incomplete", never a rejection.
/// </summary>
internal static class HeadTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = FuzzCase.Read(data);
        var limits = input.Limits;
        byte[] bytes = input.Payload;

        var whole = HeadOutcome.Of(new ReadOnlySequence<byte>(bytes), limits);
        var split = HeadOutcome.Of(Pieces.Split(bytes, input.Cuts), limits);
        OracleException.Same(whole, split, $"one segment vs cut at [{string.Join(",", input.Cuts)}]");

        if (whole.Kind != HeadOutcome.Parsed)
        {
            return;
        }

        long n = whole.Consumed;
        OracleException.Check(n > 0 && n <= bytes.Length, $"consumed {n} of {bytes.Length} bytes");
        OracleException.Check(bytes.AsSpan(0, (int)n).EndsWith("\r\n\r\n"u8), "a head ends with CRLF CRLF");
        OracleException.Check(!(whole.IsChunked && whole.ContentLength is not null), "chunked and Content-Length at once");
        OracleException.Check(whole.ContentLength is null || limits.MaxRequestBodySize is null || whole.ContentLength <= limits.MaxRequestBodySize, "Content-Length over the body limit");
        OracleException.Check(whole.HeaderCount <= limits.MaxRequestHeaderCount, "more headers than the limit");

        // A head is self-delimiting: the bytes after it cannot change it.
        var alone = HeadOutcome.Of(new ReadOnlySequence<byte>(bytes, 0, (int)n), limits);
        OracleException.Same(whole, alone, "the head without the bytes after it");

        // Bytes arriving in pieces are parsed again from the start each time: every earlier piece must wait.
        foreach (int cut in input.Cuts.Where(c => c < n))
        {
            var prefix = HeadOutcome.Of(new ReadOnlySequence<byte>(bytes, 0, cut), limits);
            OracleException.Same(new HeadOutcome(HeadOutcome.Incomplete), prefix, $"the first {cut} bytes of a good head");
        }
    }
}
