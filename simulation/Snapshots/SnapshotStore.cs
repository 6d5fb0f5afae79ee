using System.Runtime.CompilerServices;
using System.Text;
using Testbed.Simulator.Traces;

namespace Testbed.Simulator.Snapshots;

public enum SnapshotStatus
{
    /// <summary>The text is the verified one.</summary>
    Unchanged,

    /// <summary>A verified file exists and the text differs from it.</summary>
    Changed,

    /// <summary>No verified file yet.</summary>
    New,
}

/// <summary>One text checked against its snapshot: the verdict, both files, and for a change the first divergent line and a short diff.</summary>
public sealed record SnapshotCheck(string Name, SnapshotStatus Status, string VerifiedPath, string ReceivedPath, TraceDivergence? FirstDivergence, string Diff)
{
    /// <summary>The command that accepts the received text, as a user types it.</summary>
    public string AcceptCommand => $"testbed snapshots accept --dir {Path.GetDirectoryName(VerifiedPath)} --filter {Name}";

    /// <summary>What a failing spec says: what differs, where first, the diff, and how to accept it.</summary>
    public string Message => Status switch
    {
        SnapshotStatus.Unchanged => $"{Name} matches {VerifiedPath}",
        SnapshotStatus.New => $"{Name} has no snapshot {VerifiedPath} yet; the text this run produced is in {ReceivedPath}.\nReview it, then accept it with\n  {AcceptCommand}\nand commit the verified file.",
        _ => $"{Name} differs from its snapshot {VerifiedPath}\n{FirstDivergence!.Describe("verified", "received")}\n{Diff}If the change is intended, accept it with\n  {AcceptCommand}",
    };
}

/// <summary>Thrown by <see cref="SnapshotStore.Verify"/>: any test framework reports it as the spec's failure.</summary>
internal sealed class SnapshotMismatchException(SnapshotCheck check) : Exception(check.Message)
{
    public SnapshotCheck Check { get; } = check;
}

/// <summary>
/// Approved snapshots, Verify's way. <c>NAME.verified.txt</c> is committed; a run whose text differs writes
/// <c>NAME.received.txt</c> beside it (git-ignored) and fails with a diff that starts at the first divergent
/// line. Texts are UTF-8 with LF endings and compared exactly, so a CR is a difference. A snapshot is accepted
/// by <c>testbed snapshots accept</c>, or, off a build server only, by running with
/// <c>TESTBED_ACCEPT_SNAPSHOTS=1</c>; on a build server (<see cref="BuildServer"/>) no verified file is ever
/// written, and a new snapshot fails like a changed one.
/// </summary>
/// <param name="directory">The folder that holds the snapshots.</param>
/// <param name="onBuildServer">Whether this is a build server; by default, what <see cref="BuildServer"/> detects.</param>
/// <param name="acceptChanges">Whether a new or changed text is accepted on the spot, off a build server; by default, whether <c>TESTBED_ACCEPT_SNAPSHOTS</c> is 1.</param>
public sealed class SnapshotStore(string directory, bool? onBuildServer = null, bool? acceptChanges = null)
{
    public const string VerifiedSuffix = ".verified.txt";
    public const string ReceivedSuffix = ".received.txt";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly bool _onBuildServer = onBuildServer ?? BuildServer.Detected();
    private readonly bool _acceptChanges = acceptChanges ?? Environment.GetEnvironmentVariable("TESTBED_ACCEPT_SNAPSHOTS") is "1" or "true";

    public string Directory { get; } = directory;

    /// <summary>
    /// Checks the text of the calling spec method against <c>{Class}.{Method}[_{parameters}].verified.txt</c>
    /// beside the spec's source file, and throws <see cref="SnapshotMismatchException"/> unless it matches.
    /// </summary>
    public static void Verify(string received, Type spec, [CallerMemberName] string method = "", [CallerFilePath] string specFile = "", string? parameters = null)
    {
        var folder = Path.GetDirectoryName(specFile);
        if (folder is null || !System.IO.Directory.Exists(folder))
        {
            throw new InvalidOperationException($"snapshots live beside the spec's source, but '{folder}' (from the build's source path) does not exist here");
        }

        var check = new SnapshotStore(folder).Check(parameters is null ? $"{spec.Name}.{method}" : $"{spec.Name}.{method}_{parameters}", received);
        if (check.Status != SnapshotStatus.Unchanged)
        {
            throw new SnapshotMismatchException(check);
        }
    }

    /// <summary>Compares <paramref name="received"/> with the snapshot <paramref name="name"/>; writes or removes the received file to match.</summary>
    public SnapshotCheck Check(string name, string received)
    {
        var verifiedPath = Path.Combine(Directory, name + VerifiedSuffix);
        var receivedPath = Path.Combine(Directory, name + ReceivedSuffix);
        var verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath, Utf8) : null;
        if (verified is not null && string.Equals(verified, received, StringComparison.Ordinal))
        {
            File.Delete(receivedPath); // A stale one from an earlier failure would mislead a review.
            return new SnapshotCheck(name, SnapshotStatus.Unchanged, verifiedPath, receivedPath, null, string.Empty);
        }

        if (_acceptChanges && !_onBuildServer)
        {
            File.WriteAllText(verifiedPath, received, Utf8);
            File.Delete(receivedPath);
            return new SnapshotCheck(name, SnapshotStatus.Unchanged, verifiedPath, receivedPath, null, string.Empty);
        }

        File.WriteAllText(receivedPath, received, Utf8);
        return verified is null
            ? new SnapshotCheck(name, SnapshotStatus.New, verifiedPath, receivedPath, null, string.Empty)
            : new SnapshotCheck(name, SnapshotStatus.Changed, verifiedPath, receivedPath, TraceDiff.FirstDivergence(verified, received), SnapshotDiff.Render(verified, received));
    }

    /// <summary>The snapshots waiting for review: every received file here, by name, optionally only names containing <paramref name="filter"/>.</summary>
    public IReadOnlyList<string> Pending(string? filter = null) => Names(ReceivedSuffix, filter);

    /// <summary>Every verified snapshot here, by name.</summary>
    public IReadOnlyList<string> Verified(string? filter = null) => Names(VerifiedSuffix, filter);

    /// <summary>Verified snapshots whose spec or case is gone: names here that <paramref name="known"/> does not hold.</summary>
    public IReadOnlyList<string> Dangling(IEnumerable<string> known)
    {
        var names = known.ToHashSet(StringComparer.Ordinal);
        return [.. Verified().Where(name => !names.Contains(name))];
    }

    /// <summary>Makes the received text the verified one. Refused on a build server.</summary>
    public void Accept(string name)
    {
        if (_onBuildServer)
        {
            throw new InvalidOperationException("snapshots are never accepted on a build server (CI is set): accept them on a workstation and commit them");
        }

        File.Move(Path.Combine(Directory, name + ReceivedSuffix), Path.Combine(Directory, name + VerifiedSuffix), overwrite: true);
    }

    /// <summary>Drops the received text, keeping the verified one.</summary>
    public void Reject(string name) => File.Delete(Path.Combine(Directory, name + ReceivedSuffix));

    private string[] Names(string suffix, string? filter) =>
        [.. System.IO.Directory.EnumerateFiles(Directory, "*" + suffix)
            .Select(path => Path.GetFileName(path)[..^suffix.Length])
            .Where(name => filter is null || name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
}
