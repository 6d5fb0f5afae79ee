using Testbed.Engine.Networking;
using Testbed.Simulator.Invariants;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Recording;

namespace Testbed.Simulator.Recordings;

/// <summary>One recorded connection while the replay plays it.</summary>
internal sealed class ReplayedConnection(RecordedConnection recorded, bool kept, IReadOnlyList<ClientStep> steps, int dropped, long? firstDroppedAt)
{
    public RecordedConnection Recorded { get; } = recorded;

    public bool Kept { get; } = kept;

    /// <summary>The client steps the run plays (the kept ones).</summary>
    public IReadOnlyList<ClientStep> Steps { get; } = steps;

    public int Dropped { get; } = dropped;

    /// <summary>When the first dropped step was recorded: only what the server wrote before it is compared.</summary>
    public long? FirstDroppedAt { get; } = firstDroppedAt;

    public SimConnection? Wire { get; set; }

    /// <summary>The client's FIN was sent: nothing more is.</summary>
    public bool ClientFinished { get; set; }

    /// <summary>Bytes the simulated server submitted so far.</summary>
    public long SimulatedEnd { get; set; }

    /// <summary>The latest completion time given to a write, so writes complete in order.</summary>
    public long LastDone { get; set; }

    /// <summary>The simulated output's length when the server called uv_shutdown.</summary>
    public long? SimulatedShutdown { get; set; }
}

/// <summary>
/// <c>matches-recording</c>: the replayed server writes what the recorded one did, on every connection played, at
/// every recorded write boundary (byte count and running hash; bytes too with bodies=full). It also plays the
/// network's side of the server's writes: each simulated write completes when the recorded write holding its last
/// byte did (or now, if that has passed), with that write's status; a write past the recorded output completes
/// <see cref="ExtraWriteMicros"/> later. The comparison runs when the run ends, last of all checks.
/// </summary>
internal sealed class RecordingMatch(IReadOnlyList<ReplayedConnection> connections, long origin, bool full) : InvariantChecker
{
    public const string InvariantName = "matches-recording";

    /// <summary>How long a write the recording has no completion for takes: the mock's usual latency.</summary>
    public const long ExtraWriteMicros = 100;

    private readonly Dictionary<SimConnection, ReplayedConnection> _byWire = new(ReferenceEqualityComparer.Instance);

    public override string Name => InvariantName;

    public void Connected(ReplayedConnection connection, SimConnection wire)
    {
        connection.Wire = wire;
        _byWire[wire] = connection;
    }

    public override void WriteSubmitted(MockWrite write)
    {
        if (!_byWire.TryGetValue(write.Connection, out var connection))
        {
            return;
        }

        var start = connection.SimulatedEnd;
        connection.SimulatedEnd += write.Length;
        var covering = connection.Recorded.WriteAt(Math.Max(start, connection.SimulatedEnd - 1));
        var now = Run.Simulation.NowMicros;
        // Past the recorded output of a connection that broke, the real server never got a write through: this one
        // waits for the break and fails with it, rather than letting the simulated app run further ahead.
        var (at, status) = covering is { DoneAt: { } done } ? (origin + done, covering.Status)
            : connection.Recorded.Broken is { } broken ? (origin + broken.Micros, broken.Status)
            : (now + ExtraWriteMicros, write.Connection.ClientReset ? UvStatus.ECONNRESET : 0);
        at = Math.Max(Math.Max(at, now), connection.LastDone);
        connection.LastDone = at;
        write.CompleteAt(at, status);
    }

    public override void ShutdownCalled(SimConnection connection, int status)
    {
        if (status == 0 && _byWire.TryGetValue(connection, out var replayed))
        {
            replayed.SimulatedShutdown ??= replayed.SimulatedEnd;
        }
    }

    public override void RunEnded()
    {
        if (Report().FirstDivergence is { } divergence)
        {
            Fail(divergence.ToString());
        }
    }

    /// <summary>Every connection's verdict on what the run wrote so far.</summary>
    public ReplayReport Report() => new([.. connections.Select(Judge)]);

    private ConnectionReplay Judge(ReplayedConnection connection)
    {
        var recorded = connection.Recorded;
        if (!connection.Kept)
        {
            return new ConnectionReplay(recorded.Id, recorded.Loop, false, 0, recorded.OutputLength, 0, 0, null, null);
        }

        var output = Output(connection.Wire);
        var compared = connection.FirstDroppedAt is { } cut ? recorded.Writes.TakeWhile(w => w.SubmittedAt < cut).ToList() : recorded.Writes;
        var divergence = Compare(recorded, compared, output, wholeOutput: connection.FirstDroppedAt is null);
        string? closeNote = null;
        if (divergence is null && recorded.Broken is not null && output.Length > recorded.OutputLength)
        {
            closeNote = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the replay handed {output.Length - recorded.OutputLength} bytes more to the socket before the connection broke (its app ran ahead of the real one's)");
        }
        else if (connection.FirstDroppedAt is null && divergence is null && recorded.ShutdownOffset != connection.SimulatedShutdown)
        {
            closeNote = $"the server shut its side down {Describe(recorded.ShutdownOffset)} in the recording, {Describe(connection.SimulatedShutdown)} in the replay";
        }

        return new ConnectionReplay(recorded.Id, recorded.Loop, true, connection.Dropped, recorded.OutputLength, output.Length, compared.Count, divergence, closeNote);
    }

    /// <summary>Where a server's FIN (uv_shutdown) came in its output, or that it closed without one.</summary>
    private static string Describe(long? offset) => offset is { } bytes
        ? "after " + bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes"
        : "not at all (it closed without a FIN)";

    private ReplayDivergence? Compare(RecordedConnection recorded, IReadOnlyList<RecordedWrite> writes, byte[] output, bool wholeOutput)
    {
        var hash = new OutputHash();
        foreach (var write in writes)
        {
            if (output.Length < write.End)
            {
                var offset = full ? FirstDifference(output, write) ?? output.Length : write.Start;
                return Diverged(recorded, write.Number, offset, output, $"{write.End} bytes through write {write.Number}", $"{output.Length} bytes in all");
            }

            hash.Append(output.AsSpan((int)write.Start, (int)(write.End - write.Start)));
            var bytesDiffer = full && write.Bytes is { } bytes && !bytes.AsSpan().SequenceEqual(output.AsSpan((int)write.Start, bytes.Length));
            if (bytesDiffer || (write.Hash is { } expected && expected != hash.Current))
            {
                var offset = full ? FirstDifference(output, write) ?? write.Start : write.Start;
                return Diverged(recorded, write.Number, offset, output, $"hash {write.Hash} through write {write.Number}", $"hash {hash.Current}");
            }
        }

        // More output than recorded before the connection broke is the simulated app outrunning the real one (the
        // app's speed is not recorded): the recording is matched as a prefix, and the rest is noted, not failed.
        if (wholeOutput && output.Length > recorded.OutputLength && recorded.Broken is null)
        {
            return Diverged(recorded, recorded.Writes.Count + 1, recorded.OutputLength, output, $"{recorded.OutputLength} bytes in all", $"{output.Length} bytes");
        }

        return null;
    }

    /// <summary>The first byte of <paramref name="write"/> (or of the output's end) that differs from the recorded bytes.</summary>
    private static long? FirstDifference(byte[] output, RecordedWrite write)
    {
        if (write.Bytes is not { } bytes)
        {
            return null;
        }

        var available = (int)Math.Max(0, Math.Min(bytes.Length, output.Length - write.Start));
        var common = available == 0 ? 0 : bytes.AsSpan(0, available).CommonPrefixLength(output.AsSpan((int)write.Start, available));
        return write.Start + common;
    }

    private ReplayDivergence Diverged(RecordedConnection recorded, int write, long offset, byte[] output, string expected, string got)
    {
        if (full)
        {
            var recordedBytes = recorded.Writes.Where(w => w.Bytes is not null).SelectMany(w => w.Bytes!).ToArray();
            expected += " " + ConnectionReplay.Excerpt(recordedBytes, offset);
            got += " " + ConnectionReplay.Excerpt(output, offset);
        }

        return new ReplayDivergence(recorded.Id, write, offset, expected, got);
    }

    private static byte[] Output(SimConnection? wire)
    {
        if (wire is null)
        {
            return [];
        }

        using var output = new MemoryStream();
        foreach (var write in wire.Writes)
        {
            output.Write(write.Bytes);
        }

        return output.ToArray();
    }
}
