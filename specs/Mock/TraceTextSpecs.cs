using System.Text;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock;

namespace Testbed.Specs.Mock;

/// <summary>The trace's text kept in chunks: the same characters, the same cuts, and one string only on demand.</summary>
public sealed class TraceTextSpecs
{
    [Theory]
    [InlineData(1024, 300)]
    [InlineData(40_000, 9_000)]
    [InlineData(100_000, 30_000)]
    public void A_capped_trace_drops_the_same_lines_as_one_string_would(int maxChars, int lines)
    {
        var trace = new SimulationTrace(() => 1_234_567, enabled: true, maxChars);
        trace.Header("testbed simulation trace v2");
        var reference = new StringBuilder("# testbed simulation trace v2\n");
        var headerLength = reference.Length;
        var markerLength = 0;
        long dropped = 0;
        for (var i = 0; i < lines; i++)
        {
            var message = new string((char)('a' + (i % 26)), i % 37);
            trace.Add($"event {i} {message}");
            reference.Append(FormattableString.Invariant($"{i + 1:D6} 1.234567 event {i} {message}\n"));
            if (reference.Length > maxChars)
            {
                // The rule as it was written over one StringBuilder.
                var start = headerLength + markerLength;
                var half = reference.ToString(start, (reference.Length - start) / 2);
                var cut = half.LastIndexOf('\n') + 1;
                dropped += half.AsSpan(0, cut).Count('\n');
                reference.Remove(headerLength, markerLength + cut);
                var marker = $"# ... {dropped} earlier event lines dropped: a trace keeps at most {maxChars} characters\n";
                reference.Insert(headerLength, marker);
                markerLength = marker.Length;
            }
        }

        Assert.Equal(reference.ToString(), trace.ToString());
        Assert.Equal(dropped, trace.Dropped);
    }

    [Fact]
    public void A_traced_result_gives_the_text_the_trace_hash_covers()
    {
        var result = Runner.Run(new RunSpec("keepalive", 3), new RunOptions { Trace = true });

        var text = result.Trace!;

        Assert.Same(text, result.Trace);
        ulong hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        Assert.Equal(result.TraceHash, hash);
        Assert.Null(Runner.Run(new RunSpec("keepalive", 3)).Trace);
    }
}
