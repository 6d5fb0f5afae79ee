using System.Buffers;
using System.Text;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>Chunked transfer coding (RFC 9112 §7.1): sizes, extensions, data CRLF, trailers, limits, incremental input.</summary>
public sealed class ChunkedDecoderSpec
{
    private const string Body = "5\r\nhello\r\n6;name=value\r\n world\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: t1\r\n\r\n";
    private const string Payload = "hello world abcdefghijklmnopqrstuvwxy";

    [Fact]
    public void Decodes_chunks_and_stops_at_the_end_of_the_message()
    {
        var (payload, leftover, decoder) = Wire.Dechunk(Body + "GET / HTTP/1.1\r\n");

        Assert.Equal(Payload, payload);
        Assert.Equal("GET / HTTP/1.1\r\n", leftover);
        Assert.True(decoder.IsComplete);
        Assert.Equal("t1", decoder.Trailers?["x-trailer"]);
    }

    [Fact]
    public void Without_trailers_there_is_no_trailer_collection()
    {
        var (payload, _, decoder) = Wire.Dechunk("3\r\nabc\r\n000\r\n\r\n");

        Assert.Equal("abc", payload);
        Assert.True(decoder.IsComplete);
        Assert.Null(decoder.Trailers);
    }

    public static TheoryData<int> DestinationSizes => new() { 1, 2, 3, 7, 4096 };

    [Theory]
    [MemberData(nameof(DestinationSizes))]
    public void Input_split_at_every_byte_boundary_gives_the_same_payload(int destinationSize)
    {
        var bytes = Wire.Bytes(Body + "NEXT");
        for (int split = 0; split <= bytes.Length; split++)
        {
            var (payload, leftover, decoder) = Feed([bytes[..split], bytes[split..]], destinationSize);

            Assert.True(decoder.IsComplete, $"split at {split}");
            Assert.Equal(Payload, payload);
            Assert.Equal("NEXT", leftover);
        }
    }

    [Theory]
    [MemberData(nameof(DestinationSizes))]
    public void Input_arriving_one_byte_at_a_time_gives_the_same_payload(int destinationSize)
    {
        var bytes = Wire.Bytes(Body + "NEXT");

        var (payload, leftover, decoder) = Feed([.. bytes.Select(b => new[] { b })], destinationSize);

        Assert.True(decoder.IsComplete);
        Assert.Equal(Payload, payload);
        Assert.Equal("NEXT", leftover);
        Assert.Equal("t1", decoder.Trailers?["X-Trailer"]);
    }

    [Fact]
    public void A_multi_segment_input_in_one_call_decodes_across_segments()
    {
        var bytes = Wire.Bytes(Body);
        var decoder = new ChunkedDecoder(new ServerLimits());
        var destination = new byte[100];

        int written = decoder.Decode(Segments.ByteByByte(bytes), destination, out var consumed);

        Assert.Equal(Payload, Encoding.Latin1.GetString(destination, 0, written));
        Assert.True(decoder.IsComplete);
        Assert.Equal(bytes.Length, Segments.ByteByByte(bytes).Slice(0, consumed).Length);
    }

    [Fact]
    public void A_full_destination_stops_decoding_and_framing_after_the_last_data_byte_is_still_consumed()
    {
        var decoder = new ChunkedDecoder(new ServerLimits());
        var input = new ReadOnlySequence<byte>(Wire.Bytes("3\r\nabc\r\n0\r\n\r\nNEXT"));
        var destination = new byte[3];

        int written = decoder.Decode(input, destination, out var consumed);

        Assert.Equal(3, written);
        Assert.True(decoder.IsComplete);
        Assert.Equal("NEXT", Encoding.Latin1.GetString(input.Slice(consumed).ToArray()));
    }

    [Fact]
    public void An_empty_destination_consumes_framing_up_to_the_payload()
    {
        var decoder = new ChunkedDecoder(new ServerLimits());
        var input = new ReadOnlySequence<byte>(Wire.Bytes("3;x=1\r\nabc"));

        Assert.Equal(0, decoder.Decode(input, [], out var consumed));
        Assert.Equal("abc", Encoding.Latin1.GetString(input.Slice(consumed).ToArray()));
    }

    [Theory]
    [InlineData("5;a\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=b\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 ; a = b ;c\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;\ta\t=\t\"quoted \\\"value\\\"; \\\\x\"\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=\"\"\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0;last=yes\r\n\r\n")]
    [InlineData("5;a=\"\xc3\xa9\"\r\nhello\r\n0\r\n\r\n")]
    public void Valid_chunk_extensions_are_accepted_and_ignored(string body) =>
        Assert.Equal("hello", Wire.Dechunk(body).Payload);

    [Theory]
    [InlineData("2;\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;=x\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a b\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a \r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=b \r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=\"b\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=\"b\"c\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=\"\x01\"\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=\"\\\x01\"\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a\0\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=b\rc\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a@b\r\naa\r\n0\r\n\r\n")]
    [InlineData("2;a=b;\r\naa\r\n0\r\n\r\n")]
    public void Invalid_chunk_extensions_are_400(string body) =>
        Assert.Equal(400, Wire.DechunkRejection(body));

    [Theory]
    [InlineData("\r\n")]
    [InlineData(" 5\r\n")]
    [InlineData("5 \r\n")]
    [InlineData("-5\r\n")]
    [InlineData("0x5\r\n")]
    [InlineData("g\r\n")]
    [InlineData("Cii")]
    [InlineData("5\n")]
    [InlineData("5\r\r")]
    [InlineData("5\rx")]
    [InlineData("2 erfrferferf\r\n")]
    [InlineData("8000000000000000\r\n")]
    [InlineData("10000000000000000\r\n")]
    [InlineData("3\r\nfoo\r\n\r\n")]
    public void Bad_chunk_sizes_are_400(string body) =>
        Assert.Equal(400, Wire.DechunkRejection(body, new ServerLimits { MaxRequestBodySize = null }));

    [Fact]
    public void The_largest_chunk_size_is_accepted_when_the_body_is_unlimited()
    {
        var (payload, _, decoder) = Wire.Dechunk("7fffffffffffffff\r\nab", new ServerLimits { MaxRequestBodySize = null });

        Assert.Equal("ab", payload);
        Assert.False(decoder.IsComplete);
    }

    [Fact]
    public void A_size_line_longer_than_4_KiB_is_400_before_it_ends()
    {
        string longExtension = "1;a=" + new string('b', ChunkSizeLine.MaxLength);

        Assert.Equal(400, Wire.DechunkRejection(longExtension));
        Assert.Equal("x", Wire.Dechunk("1;a=" + new string('b', ChunkSizeLine.MaxLength - 6) + "\r\nx\r\n0\r\n\r\n").Payload);
    }

    [Theory]
    [InlineData("3\r\nabcX\r\n0\r\n\r\n")]
    [InlineData("3\r\nabc\rX0\r\n\r\n")]
    [InlineData("3\r\nabc\n0\r\n\r\n")]
    [InlineData("5\r\nABCDE0\r\n")]
    public void Data_not_followed_by_crlf_is_400(string body) =>
        Assert.Equal(400, Wire.DechunkRejection(body));

    [Fact]
    public void Declared_sizes_over_the_body_limit_are_413_before_the_data_is_read()
    {
        var limits = new ServerLimits { MaxRequestBodySize = 10 };

        Assert.Equal("abcdefghij", Wire.Dechunk("6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n", limits).Payload);
        Assert.Equal(413, Wire.DechunkRejection("6\r\nabcdef\r\n5\r\n", limits));
        Assert.Equal(413, Wire.DechunkRejection("7fffffffffffffff\r\n"));
    }

    [Fact]
    public void Trailers_are_parsed_with_the_header_rules()
    {
        var (_, _, decoder) = Wire.Dechunk("0\r\nVary: *\r\nContent-Type:  text/plain \r\n\r\n");

        var trailers = decoder.Trailers;
        Assert.NotNull(trailers);
        Assert.Equal(["Vary", "Content-Type"], trailers.Select(f => f.Key));
        Assert.Equal("text/plain", trailers["content-type"]);
    }

    [Theory]
    [InlineData("0\r\nX: a\r\n b\r\n\r\n")]
    [InlineData("0\r\n X: a\r\n\r\n")]
    [InlineData("0\r\nX : a\r\n\r\n")]
    [InlineData("0\r\nX: a\0b\r\n\r\n")]
    [InlineData("0\r\nX: a\rb\r\n\r\n")]
    [InlineData("0\r\nX: a\nY: b\r\n\r\n")]
    [InlineData("0\r\nX: a\r\n\n")]
    [InlineData("0\r\nNoColon\r\n\r\n")]
    [InlineData("0\r\n\rX")]
    [InlineData("0\r\nX: 1\rY")]
    public void Malformed_trailers_are_400(string body) =>
        Assert.Equal(400, Wire.DechunkRejection(body));

    [Fact]
    public void Trailers_count_against_the_header_size_limit()
    {
        var limits = new ServerLimits { MaxRequestHeadersTotalSize = 16 };

        // "X: 0123456789\r\n" is 15 bytes and the final CRLF 2 more: one over.
        Assert.Equal(431, Wire.DechunkRejection("0\r\nX: 0123456789\r\n\r\n", limits));
        Assert.True(Wire.Dechunk("0\r\nX: 012345678\r\n\r\n", limits).Decoder.IsComplete);
        Assert.Equal(431, Wire.DechunkRejection("0\r\nX: 0123456789abcdef", limits));
    }

    [Fact]
    public void Trailers_count_against_the_header_count_limit()
    {
        var limits = new ServerLimits { MaxRequestHeaderCount = 2 };

        Assert.True(Wire.Dechunk("0\r\nA: 1\r\nB: 2\r\n\r\n", limits).Decoder.IsComplete);
        Assert.Equal(431, Wire.DechunkRejection("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n", limits));
    }

    [Fact]
    public void An_unfinished_body_waits_and_has_consumed_everything()
    {
        foreach (string partial in new[] { "5", "5\r", "5\r\nhel", "5\r\nhello\r", "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX: 1", "5;a=\"b" })
        {
            var decoder = new ChunkedDecoder(new ServerLimits());
            var input = new ReadOnlySequence<byte>(Wire.Bytes(partial));

            decoder.Decode(input, new byte[64], out var consumed);

            Assert.False(decoder.IsComplete, partial);
            Assert.Equal(input.End, consumed);
        }
    }

    /// <summary>
    /// Feeds arrivals the way a PipeReader loop would: decode until a short read, then AdvanceTo(consumed,
    /// examined: End) and wait for the next arrival. Checks the contract that a short read consumed everything.
    /// </summary>
    private static (string Payload, string Leftover, ChunkedDecoder Decoder) Feed(byte[][] arrivals, int destinationSize)
    {
        var decoder = new ChunkedDecoder(new ServerLimits());
        var pending = new List<byte>();
        var payload = new List<byte>();
        var destination = new byte[destinationSize];
        foreach (var arrival in arrivals)
        {
            pending.AddRange(arrival);
            while (!decoder.IsComplete)
            {
                var input = Segments.Of([.. pending.Chunk(3)]);
                int written = decoder.Decode(input, destination, out var consumed);
                payload.AddRange(destination.AsSpan(0, written).ToArray());
                pending.RemoveRange(0, (int)input.Slice(0, consumed).Length);
                if (written < destination.Length && !decoder.IsComplete)
                {
                    Assert.Empty(pending);
                    break;
                }
            }
        }

        return (Encoding.Latin1.GetString([.. payload]), Encoding.Latin1.GetString([.. pending]), decoder);
    }
}
