using System.Text;
using Testbed.Simulator.Traces;

namespace Testbed.Specs.Support;

/// <summary>Trace comparisons whose failure names the first line at which the two runs diverge.</summary>
internal static class TraceAssert
{
    public static void Same(string expected, string actual, string expectedName, string actualName)
    {
        if (TraceDiff.FirstDivergence(expected, actual) is { } divergence)
        {
            Assert.Fail(divergence.Describe(expectedName, actualName));
        }
    }

    /// <summary>Byte for byte: equal text in another encoding (a BOM, say) is a difference too.</summary>
    public static void SameBytes(byte[] expected, byte[] actual, string expectedName, string actualName)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        Same(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual), expectedName, actualName);
        Assert.Fail($"{expectedName} and {actualName} hold the same text in different bytes ({expected.Length} vs {actual.Length})");
    }
}
