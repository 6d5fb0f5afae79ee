using Testbed.Simulator.Snapshots;

namespace Testbed.Specs.Simulator;

/// <summary>The snapshot store: a missing or different text fails and leaves the received text to review; a build server never accepts.</summary>
public sealed class SnapshotStoreSpecs : IDisposable
{
    private const string Name = "Some.Spec";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("snapshots-");

    private string Verified => Path.Combine(_directory.FullName, Name + ".verified.txt");

    private string Received => Path.Combine(_directory.FullName, Name + ".received.txt");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void A_missing_snapshot_is_new_and_writes_the_received_text_with_the_command_that_accepts_it()
    {
        var check = new SnapshotStore(_directory.FullName, onBuildServer: false, acceptChanges: false).Check(Name, "a\nb\n");

        Assert.Equal(SnapshotStatus.New, check.Status);
        Assert.Equal("a\nb\n", File.ReadAllText(Received));
        Assert.False(File.Exists(Verified));
        Assert.Contains($"testbed snapshots accept --dir {_directory.FullName} --filter {Name}", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_matching_snapshot_passes_and_clears_a_stale_received_file()
    {
        File.WriteAllText(Verified, "a\nb\n");
        File.WriteAllText(Received, "old failure");

        Assert.Equal(SnapshotStatus.Unchanged, new SnapshotStore(_directory.FullName, acceptChanges: false).Check(Name, "a\nb\n").Status);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void A_different_text_fails_naming_the_first_divergent_line_with_a_diff()
    {
        File.WriteAllText(Verified, "one\ntwo\nthree\nfour\n");

        var check = new SnapshotStore(_directory.FullName, acceptChanges: false).Check(Name, "one\ntwo\nTHREE\nfour\n");

        Assert.Equal(SnapshotStatus.Changed, check.Status);
        Assert.Equal("one\ntwo\nTHREE\nfour\n", File.ReadAllText(Received));
        Assert.Contains("diverge at line 3:\n  verified: three\n  received: THREE", check.Message, StringComparison.Ordinal);
        Assert.Contains("- three\n+ THREE\n", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_endings_are_compared_exactly()
    {
        File.WriteAllText(Verified, "a\nb\n");

        Assert.Equal(SnapshotStatus.Changed, new SnapshotStore(_directory.FullName, acceptChanges: false).Check(Name, "a\r\nb\r\n").Status);
    }

    [Fact]
    public void Accepting_makes_the_received_text_verified_and_rejecting_drops_it()
    {
        var store = new SnapshotStore(_directory.FullName, onBuildServer: false, acceptChanges: false);
        store.Check(Name, "a\n");
        store.Check("Other.Spec", "b\n");

        Assert.Equal(["Other.Spec", Name], store.Pending());
        store.Accept(Name);
        store.Reject("Other.Spec");

        Assert.Equal("a\n", File.ReadAllText(Verified));
        Assert.Empty(store.Pending());
        Assert.Equal([Name], store.Verified());
    }

    [Fact]
    public void On_a_build_server_a_new_snapshot_fails_and_nothing_is_ever_accepted()
    {
        var store = new SnapshotStore(_directory.FullName, onBuildServer: true, acceptChanges: true);

        Assert.Equal(SnapshotStatus.New, store.Check(Name, "a\n").Status);
        Assert.Throws<InvalidOperationException>(() => store.Accept(Name));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void A_verified_snapshot_whose_spec_is_gone_is_dangling()
    {
        File.WriteAllText(Verified, "a\n");
        File.WriteAllText(Path.Combine(_directory.FullName, "Gone.Spec.verified.txt"), "b\n");

        Assert.Equal(["Gone.Spec"], new SnapshotStore(_directory.FullName).Dangling([Name]));
    }

    [Theory]
    [InlineData("true", null, true)]
    [InlineData("1", null, true)]
    [InlineData("false", null, false)]
    [InlineData("0", null, false)]
    [InlineData(null, "GITHUB_ACTIONS", true)]
    [InlineData(null, "TF_BUILD", true)]
    [InlineData(null, null, false)]
    public void A_build_server_is_CI_set_and_not_false_or_a_known_server_s_variable(string? ci, string? marker, bool expected)
    {
        var environment = new Dictionary<string, string>();
        if (ci is not null)
        {
            environment["CI"] = ci;
        }

        if (marker is not null)
        {
            environment[marker] = "true";
        }

        Assert.Equal(expected, BuildServer.Detected(environment.GetValueOrDefault));
    }
}
