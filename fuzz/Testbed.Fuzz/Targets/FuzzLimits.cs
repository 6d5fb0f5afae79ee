using Testbed.Engine.Infrastructure;

namespace Testbed.Fuzz.Targets;

/// <summary>
/// Four limit sets picked by the low bits of the control byte. The defaults are too large for a fuzzer to
/// reach by chance, so three small sets put the 413, 414 and 431 paths within a few mutations.
/// </summary>
internal static class FuzzLimits
{
    public static ServerLimits For(byte control) => (control & 3) switch
    {
        0 => new ServerLimits(),
        1 => new ServerLimits { MaxRequestLineSize = 32, MaxRequestHeadersTotalSize = 64, MaxRequestHeaderCount = 3, MaxRequestBodySize = 16 },
        2 => new ServerLimits { MaxRequestLineSize = 8, MaxRequestHeadersTotalSize = 16, MaxRequestHeaderCount = 1, MaxRequestBodySize = 0 },
        _ => new ServerLimits { MaxRequestLineSize = 256, MaxRequestHeadersTotalSize = 512, MaxRequestHeaderCount = 100, MaxRequestBodySize = null },
    };
}
