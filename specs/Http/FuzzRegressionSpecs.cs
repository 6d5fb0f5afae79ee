using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;
using Testbed.Fuzz.Targets;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>
/// Inputs the fuzz targets (fuzz/) flagged, each pinned at the parser level, plus the minimised AFL inputs
/// replayed through the targets themselves. A verdict reached on the bytes that have arrived must stay the
/// verdict once more bytes come; otherwise the status a client gets depends on how its bytes were packetised.
/// </summary>
public sealed class FuzzRegressionSpecs
{
    private static readonly ServerLimits ShortLine = new() { MaxRequestLineSize = 8 };

    private static readonly ServerLimits SmallHeaders = new() { MaxRequestLineSize = 32, MaxRequestHeadersTotalSize = 16 };

    private static readonly ServerLimits FewHeaders = new() { MaxRequestHeaderCount = 3 };

    public static TheoryData<string, string> RejectedBeforeTheLimit => new()
    {
        // Found from the seed corpus: all at once this was 414, byte by byte 400 (the method is bad from byte one).
        { "{ / HTTP/1.0\r\n", nameof(ShortLine) },
        // The same order between the bare-CR rule and the line limit.
        { "GET /\rxx", nameof(ShortLine) },
        // Found from the seed corpus: a bare CR inside the header budget was 431 at once, 400 byte by byte.
        { "GET / HTTP/1.1\r\nX: a\rb-and-more-than-sixteen", nameof(SmallHeaders) },
        // The same order between obs-fold and the header-section limit.
        { "GET / HTTP/1.1\r\nHost: a\r\n folded-and-more-than-sixteen", nameof(SmallHeaders) },
        // Found by afl-fuzz: an obs-fold line after the last header allowed was 431 at once, 400 byte by byte.
        { "GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\n folded\r\n\r\n", nameof(FewHeaders) },
    };

    [Theory]
    [MemberData(nameof(RejectedBeforeTheLimit))]
    public void A_line_already_wrong_within_the_limit_is_400_however_the_bytes_arrive(string raw, string limitsName)
    {
        var limits = limitsName switch
        {
            nameof(ShortLine) => ShortLine,
            nameof(SmallHeaders) => SmallHeaders,
            _ => FewHeaders,
        };

        Assert.Equal(400, ArrivingByteByByte(Wire.Bytes(raw), limits));
        Assert.Equal(400, Wire.Rejection(raw, limits));
    }

    [Fact]
    public void A_trailer_line_already_wrong_within_the_limit_is_400_however_the_bytes_arrive()
    {
        var limits = new ServerLimits { MaxRequestHeadersTotalSize = 16 };
        const string ObsFold = "0\r\n folded-and-more-than-sixteen";
        const string BareCr = "0\r\nX: a\rb-and-more-than-sixteen\r\n\r\n";

        Assert.Equal(400, Wire.DechunkRejection(ObsFold, limits));
        Assert.Equal(400, Wire.DechunkRejection(BareCr, limits));
        Assert.Equal(400, DechunkedByteByByte(Wire.Bytes(BareCr), limits));

        // Found by afl-fuzz: an obs-fold trailer after the last trailer allowed was 431 whole, 400 in pieces.
        Assert.Equal(400, Wire.DechunkRejection("0\r\nA: 1\r\n folded\r\n\r\n", new ServerLimits { MaxRequestHeaderCount = 1 }));

        // Nothing of the next line fits: it is 431 with no byte of it left to judge.
        Assert.Equal(431, Wire.DechunkRejection("0\r\nX: 12345678901\r\n\r\n", limits));
    }

    [Fact]
    public void Trailers_are_only_shown_once_the_body_is_complete()
    {
        var decoder = new ChunkedDecoder(new ServerLimits());

        decoder.Decode(new ReadOnlySequence<byte>(Wire.Bytes("0\r\nA: 1\r\n")), new byte[16], out _);

        Assert.False(decoder.IsComplete);
        Assert.Null(decoder.Trailers);
    }

    /// <summary>Minimised by afl-tmin from what scripts/fuzz.sh saved: the control byte, then the payload.</summary>
    [Theory]
    [InlineData("head", "015030202f20485454502f312e310d0a3030303a0d0a303a300d0a303a300d0a203030300d0a")] // obs-fold after 3 of 3 headers: 431 at once, 400 in pieces
    [InlineData("chunked", "0e300d0a2030303030303030303030303030303030")] // obs-fold trailer over the limit: 431 at once, 400 in pieces
    [InlineData("chunked", "0a300d0a793a0d0a200d0a303030303030303030303030")] // obs-fold trailer after 1 of 1 trailers: 431 whole, 400 in pieces
    [InlineData("chunked", "30350d0a30303030300d0a360d0a3030303030300d0a300d0a303a0d0a")] // trailers visible before the final CRLF
    public void The_minimised_fuzz_input_passes_the_oracles(string target, string hex)
    {
        byte[] input = Convert.FromHexString(hex);

        if (target == "head")
        {
            HeadTarget.Run(input);
        }
        else
        {
            ChunkedTarget.Run(input);
        }
    }

    /// <summary>The status of the chunked decoder's rejection when the bytes arrive one call at a time; 0 when none.</summary>
    private static int DechunkedByteByByte(byte[] bytes, ServerLimits limits)
    {
        var decoder = new ChunkedDecoder(limits);
        try
        {
            foreach (byte b in bytes)
            {
                decoder.Decode(new ReadOnlySequence<byte>([b]), new byte[16], out _);
            }
        }
        catch (BadHttpRequestException e)
        {
            return e.StatusCode;
        }

        return 0;
    }

    /// <summary>The status of the first rejection when the bytes arrive one at a time; 0 when none is rejected.</summary>
    private static int ArrivingByteByByte(byte[] bytes, ServerLimits limits)
    {
        for (int arrived = 1; arrived <= bytes.Length; arrived++)
        {
            try
            {
                if (RequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes, 0, arrived), limits, new RequestHead(), out _))
                {
                    return 0;
                }
            }
            catch (BadHttpRequestException e)
            {
                return e.StatusCode;
            }
        }

        return 0;
    }
}
