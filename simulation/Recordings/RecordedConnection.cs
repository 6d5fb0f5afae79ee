using Testbed.Engine.Networking;
using Testbed.Transports.Recording;

namespace Testbed.Simulator.Recordings;

/// <summary>What the client did on a recorded connection, at its time: a read's bytes, its FIN, or its reset.</summary>
internal sealed record ClientStep(long Micros, RecordedKind Kind, byte[]? Bytes, int Status);

/// <summary>One recorded uv_write: where it ends in the connection's output, its running hash, its bytes (bodies=full), and how it completed.</summary>
internal sealed record RecordedWrite(int Number, long Start, long End, long SubmittedAt, string? Hash, byte[]? Bytes)
{
    public long? DoneAt { get; set; }

    public int Status { get; set; }
}

/// <summary>
/// One connection of a recording, as a replay plays and judges it: when and on which loop it was accepted, the
/// client's steps, the server's writes, and how much output came before the server's FIN.
/// </summary>
internal sealed class RecordedConnection
{
    public required int Id { get; init; }

    public required int Loop { get; init; }

    public required long AcceptAt { get; init; }

    public List<ClientStep> Steps { get; } = [];

    public List<RecordedWrite> Writes { get; } = [];

    /// <summary>The output's length when the server called uv_shutdown, or null if it never did.</summary>
    public long? ShutdownOffset { get; set; }

    /// <summary>
    /// When the connection broke, if it did: the client's reset (its read error) or the first write that failed,
    /// whichever came first, with its status. What the server had not handed to the socket by then was racing
    /// the break: the recording shows how far the real app got, not how far it would have.
    /// </summary>
    public (long Micros, int Status)? Broken
    {
        get
        {
            var reset = Steps.Find(s => s.Kind == RecordedKind.ReadError);
            var failed = Writes.Find(w => w is { DoneAt: not null, Status: < 0 });
            return (reset, failed) switch
            {
                (not null, not null) when failed.DoneAt < reset.Micros => (failed.DoneAt.Value, failed.Status),
                (not null, _) => (reset.Micros, UvStatus.ECONNRESET),
                (null, not null) => (failed.DoneAt!.Value, failed.Status),
                _ => null,
            };
        }
    }

    /// <summary>Everything the server wrote on it.</summary>
    public long OutputLength => Writes.Count == 0 ? 0 : Writes[^1].End;

    /// <summary>The recorded write holding byte <paramref name="offset"/> of the output, or null past its end.</summary>
    public RecordedWrite? WriteAt(long offset)
    {
        int lo = 0, hi = Writes.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Writes[mid].End > offset)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo < Writes.Count ? Writes[lo] : null;
    }

    /// <summary>The connections of <paramref name="recording"/>, in accept order; <see cref="RecordingReplayException"/> when one cannot be played.</summary>
    public static IReadOnlyList<RecordedConnection> Of(Recording recording)
    {
        if (recording.Header.Bodies == RecordBodies.None)
        {
            throw new RecordingReplayException("the recording was made with bodies=none: it holds no request bytes to replay (record with --record-bodies hash or full)");
        }

        var connections = new List<RecordedConnection>();
        foreach (var group in recording.Connections)
        {
            var events = group.ToList();
            if (events[0] is not { Kind: RecordedKind.Accept, Loop: { } loop } accept)
            {
                throw new RecordingReplayException($"connection {group.Key}: its first event is {events[0].Kind}, not its accept with a loop");
            }

            if (loop < 0 || loop >= recording.Header.Loops)
            {
                throw new RecordingReplayException($"connection {group.Key}: accepted on loop {loop}, but the recording has {recording.Header.Loops} loops");
            }

            var connection = new RecordedConnection { Id = group.Key, Loop = loop, AcceptAt = accept.Micros };
            foreach (var recorded in events.Skip(1))
            {
                connection.Add(recorded);
            }

            connections.Add(connection);
        }

        return connections;
    }

    private void Add(RecordedEvent recorded)
    {
        switch (recorded.Kind)
        {
            case RecordedKind.Read:
                var bytes = recorded.Bytes ?? throw new RecordingReplayException($"connection {Id}: a read at {recorded.Micros} µs has no bytes");
                Steps.Add(new ClientStep(recorded.Micros, recorded.Kind, bytes, 0));
                break;
            case RecordedKind.Eof:
                Steps.Add(new ClientStep(recorded.Micros, recorded.Kind, null, 0));
                break;
            case RecordedKind.ReadError:
                Steps.Add(new ClientStep(recorded.Micros, recorded.Kind, null, recorded.Status ?? 0));
                break;
            case RecordedKind.Write:
                var count = recorded.Count ?? throw new RecordingReplayException($"connection {Id}: a write at {recorded.Micros} µs has no byte count");
                var number = recorded.Write ?? Writes.Count + 1;
                if (number != Writes.Count + 1)
                {
                    throw new RecordingReplayException($"connection {Id}: write {number} at {recorded.Micros} µs follows write {Writes.Count}");
                }

                Writes.Add(new RecordedWrite(number, OutputLength, OutputLength + count, recorded.Micros, recorded.Hash, recorded.Bytes));
                break;
            case RecordedKind.WriteDone:
                if (recorded.Write is not { } done || done < 1 || done > Writes.Count)
                {
                    throw new RecordingReplayException($"connection {Id}: write-done at {recorded.Micros} µs for write {recorded.Write?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, which was not submitted");
                }

                Writes[done - 1].DoneAt = recorded.Micros;
                Writes[done - 1].Status = recorded.Status ?? 0;
                break;
            case RecordedKind.Shutdown:
                ShutdownOffset ??= OutputLength;
                break;
            case RecordedKind.Accept:
                throw new RecordingReplayException($"connection {Id}: accepted twice");
            default:
                break;
        }
    }
}
