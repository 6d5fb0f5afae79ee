using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;
using Testbed.Specs.Http.Support;

namespace Testbed.Specs.Http;

/// <summary>
/// Inputs the fuzz targets (fuzz/) flagged, each pinned at the parser level. A verdict reached on the bytes
/// that have arrived must stay the verdict once more bytes come; otherwise the status a client gets depends on
/// how its bytes were packetised.
/// </summary>
public sealed class FuzzRegressionSpecs
{
    private static readonly ServerLimits ShortLine = new() { MaxRequestLineSize = 8 };

    private static readonly ServerLimits SmallHeaders = new() { MaxRequestLineSize = 32, MaxRequestHeadersTotalSize = 16 };

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
    };

    [Theory]
    [MemberData(nameof(RejectedBeforeTheLimit))]
    public void A_line_already_wrong_within_the_limit_is_400_however_the_bytes_arrive(string raw, string limitsName)
    {
        var limits = limitsName == nameof(ShortLine) ? ShortLine : SmallHeaders;

        Assert.Equal(400, ArrivingByteByByte(Wire.Bytes(raw), limits));
        Assert.Equal(400, Wire.Rejection(raw, limits));
    }

    /// <summary>The status of the first rejection when the bytes arrive one at a time; 0 when none is rejected.</summary>
    private static int ArrivingByteByByte(byte[] bytes, ServerLimits limits)
    {
        for (int arrived = 1; arrived <= bytes.Length; arrived++)
        {
            try
            {
                if (RequestHeadParser.TryParse(new ReadOnlySequence<byte>(bytes, 0, arrived), limits, out _, out _))
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
