using System.Runtime.CompilerServices;
using Testbed.Simulator.Traces;

namespace Testbed.Specs.Support;

/// <summary>
/// Approved snapshots, Verify's way: <c>{Class}.{Method}.verified.txt</c> is committed next to the spec; a
/// mismatch writes <c>{Class}.{Method}.received.txt</c> beside it (git-ignored) and fails with a diff. Accepting
/// a change is renaming received to verified. Texts are compared exactly: snapshots are LF, so a CR is a difference.
/// </summary>
internal sealed class SnapshotStore(string directory)
{
    /// <summary>Checks <paramref name="received"/> against the snapshot of the calling spec method.</summary>
    public static void Verify(string received, Type spec, [CallerMemberName] string method = "", [CallerFilePath] string specFile = "")
    {
        var directory = Path.GetDirectoryName(specFile);
        if (directory is null || !Directory.Exists(directory))
        {
            Assert.Fail($"snapshots live next to the spec's source, but '{directory}' (from the build's source path) does not exist here");
            return;
        }

        new SnapshotStore(directory).Verify($"{spec.Name}.{method}", received);
    }

    public void Verify(string name, string received)
    {
        var verifiedPath = Path.Combine(directory, name + ".verified.txt");
        var receivedPath = Path.Combine(directory, name + ".received.txt");
        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, received);
            Assert.Fail(
                $"no snapshot {verifiedPath} yet. The text this run produced is in {receivedPath}: review it, then accept it with\n" +
                $"  mv {receivedPath} {verifiedPath}\nand commit the verified file.");
            return;
        }

        var verified = File.ReadAllText(verifiedPath);
        if (string.Equals(verified, received, StringComparison.Ordinal))
        {
            File.Delete(receivedPath); // A stale one from an earlier failure would mislead.
            return;
        }

        File.WriteAllText(receivedPath, received);
        var divergence = TraceDiff.FirstDivergence(verified, received)!;
        Assert.Fail(
            $"{name} differs from its snapshot {verifiedPath}\n{divergence.Describe("verified", "received")}\n" +
            SnapshotDiff.Render(verified, received) +
            $"If the change is intended, accept it with\n  mv {receivedPath} {verifiedPath}");
    }
}
