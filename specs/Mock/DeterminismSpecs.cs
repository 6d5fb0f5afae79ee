using System.Text;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Snapshots;
using Testbed.Specs.Support;

namespace Testbed.Specs.Mock;

/// <summary>
/// One seed, one trace: in the same process, in another process, and against the committed snapshot. A run that
/// differs names the first line at which it diverged.
/// </summary>
public sealed class DeterminismSpecs
{
    private static readonly RunSpec Small = KeepAlive(connections: 2, requests: 2, bytes: 100);

    // Big enough that a write is split and connections interleave, small enough to start two processes for.
    private static readonly RunSpec Medium = KeepAlive(connections: 10, requests: 3, bytes: 100_000);

    [Theory]
    [InlineData(1UL)]
    [InlineData(42UL)]
    [InlineData(ulong.MaxValue)]
    public void The_same_seed_twice_in_one_process_gives_the_same_trace(ulong seed)
    {
        var first = Traced(Small.WithSeed(seed));
        var second = Traced(Small.WithSeed(seed));

        TraceAssert.Same(first.Trace!, second.Trace!, "first run", "second run");
        Assert.Equal(first.TraceHash, second.TraceHash);
    }

    [Fact]
    public void The_standard_scenario_gives_the_same_trace_and_hash_twice()
    {
        var standard = new RunSpec("keepalive", 1);

        var first = Traced(standard);
        var second = Traced(standard);

        TraceAssert.Same(first.Trace!, second.Trace!, "first run", "second run");
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal((first.Events, first.VirtualMicros), (second.Events, second.VirtualMicros));
    }

    [Theory]
    [InlineData(1UL, 2UL)]
    [InlineData(42UL, 43UL)]
    public void Different_seeds_give_different_traces_beyond_the_seed_header(ulong seed, ulong otherSeed)
    {
        var trace = Traced(Small.WithSeed(seed)).Trace!;
        var other = Traced(Small.WithSeed(otherSeed)).Trace!;

        Assert.NotEqual(WithoutHeaders(trace), WithoutHeaders(other));
    }

    [Fact]
    public async Task Two_processes_write_the_trace_this_process_computes_byte_for_byte()
    {
        var spec = Medium.WithSeed(42);
        var expected = Traced(spec);
        var files = new[] { Path.GetTempFileName(), Path.GetTempFileName() };
        try
        {
            var exits = await Task.WhenAll(files.Select(file => TestbedProcess.RunAsync(["simulate", .. spec.ToArgs(), "--trace", file])));

            Assert.All(exits, exit => Assert.True(exit.Code == 0, $"testbed simulate exited {exit.Code}: {exit.Error}"));
            TraceAssert.SameBytes(File.ReadAllBytes(files[0]), File.ReadAllBytes(files[1]), "process 1", "process 2");
            TraceAssert.SameBytes(Encoding.UTF8.GetBytes(expected.Trace!), File.ReadAllBytes(files[0]), "in-process run", "process 1");
            Assert.All(exits, exit => Assert.Contains($"trace_hash={expected.TraceHash:x16}", exit.Output, StringComparison.Ordinal));
        }
        finally
        {
            Array.ForEach(files, File.Delete);
        }
    }

    [Fact]
    public void The_small_scenario_trace_matches_its_snapshot()
    {
        SnapshotStore.Verify(Traced(Small.WithSeed(1)).Trace!, GetType());
    }

    [Fact]
    public void Traces_hold_nothing_machine_dependent()
    {
        var traces = new[] { Small.WithSeed(1), Small.WithSeed(2), Medium.WithSeed(42), new RunSpec("keepalive", 1), new RunSpec("http", 5), new RunSpec("http", 77) }.Select(Traced);

        foreach (var result in traces)
        {
            var found = MachineDependentContent.Find(result.Trace!);
            Assert.True(found.Count == 0, $"{result.Spec}: {found.Count} lines:\n{string.Join('\n', found.Take(10))}");
        }
    }

    public static TheoryData<string> MachineDependentChecks() => [.. MachineDependentContent.Checks.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(MachineDependentChecks))]
    public void Each_machine_dependent_check_flags_its_example_line(string check)
    {
        var subject = MachineDependentContent.Checks.Single(c => c.Name == check);

        Assert.True(subject.Matches(subject.Example), subject.Example);
        Assert.NotEmpty(MachineDependentContent.Find("000001 0.000000 loop.start L1 testbed-loop-0\n" + subject.Example));
    }

    private static RunSpec KeepAlive(int connections, int requests, int bytes) =>
        new("keepalive", 1, new Dictionary<string, long?> { ["connections"] = connections, ["requests"] = requests, ["bytes"] = bytes });

    private static RunResult Traced(RunSpec spec) => Runner.Run(spec, new RunOptions { Trace = true });

    private static string WithoutHeaders(string trace) =>
        string.Join('\n', trace.Split('\n').Where(line => !line.StartsWith('#')));
}
