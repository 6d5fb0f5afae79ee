namespace Testbed.Specs.Support;

/// <summary>The snapshot store: a missing or different snapshot fails and leaves the received text to accept.</summary>
public sealed class SnapshotStoreSpec : IDisposable
{
    private const string Name = "Some.Spec";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("snapshots-");

    private string Verified => Path.Combine(_directory.FullName, Name + ".verified.txt");

    private string Received => Path.Combine(_directory.FullName, Name + ".received.txt");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void A_missing_snapshot_fails_and_writes_the_received_text_with_how_to_accept_it()
    {
        var failure = Assert.ThrowsAny<Exception>(() => new SnapshotStore(_directory.FullName).Verify(Name, "a\nb\n"));

        Assert.Equal("a\nb\n", File.ReadAllText(Received));
        Assert.Contains($"mv {Received} {Verified}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_matching_snapshot_passes_and_clears_a_stale_received_file()
    {
        File.WriteAllText(Verified, "a\nb\n");
        File.WriteAllText(Received, "old failure");

        new SnapshotStore(_directory.FullName).Verify(Name, "a\nb\n");

        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void A_different_text_fails_naming_the_first_divergent_line_with_a_diff()
    {
        File.WriteAllText(Verified, "one\ntwo\nthree\nfour\n");

        var failure = Assert.ThrowsAny<Exception>(() => new SnapshotStore(_directory.FullName).Verify(Name, "one\ntwo\nTHREE\nfour\n"));

        Assert.Equal("one\ntwo\nTHREE\nfour\n", File.ReadAllText(Received));
        Assert.Contains("diverge at line 3:\n  verified: three\n  received: THREE", failure.Message, StringComparison.Ordinal);
        Assert.Contains("- three\n+ THREE\n", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_endings_are_compared_exactly()
    {
        File.WriteAllText(Verified, "a\nb\n");

        Assert.ThrowsAny<Exception>(() => new SnapshotStore(_directory.FullName).Verify(Name, "a\r\nb\r\n"));
    }
}
