using System.Globalization;
using System.Text;

namespace Testbed.Simulator.Recordings;

/// <summary>
/// Where a replayed connection's output first differs from the recording: the connection, the recorded write
/// (1-based; one past the last when the server wrote more than was recorded), the byte offset into the
/// connection's output (exact with bodies=full; otherwise where that recorded write begins), and what was
/// expected and what came (byte counts, and with bodies=full a short escaped excerpt of each).
/// </summary>
public sealed record ReplayDivergence(int Connection, int Write, long Offset, string Expected, string Got)
{
    /// <summary>One line: <c>connection 2, write 3, offset 1042: expected ..., got ...</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"connection {Connection}, write {Write}, offset {Offset}: expected {Expected}, got {Got}");
}

/// <summary>How one recorded connection replayed.</summary>
/// <param name="Connection">The recording's connection id.</param>
/// <param name="Loop">The loop it was accepted on, in the recording and so in the replay.</param>
/// <param name="Kept">False when the run's choices dropped it (a shrunk case): it was not played.</param>
/// <param name="Dropped">Client steps the choices dropped; output is compared only up to the first of them.</param>
/// <param name="RecordedBytes">What the real server wrote on it.</param>
/// <param name="ReplayedBytes">What the simulated server wrote on it.</param>
/// <param name="ComparedWrites">Recorded writes whose boundaries were compared.</param>
/// <param name="Divergence">The first difference, or null.</param>
/// <param name="CloseNote">Set when the server sent its FIN after a different amount of output, or wrote more than recorded before the client's reset (a note: it does not fail the replay).</param>
public sealed record ConnectionReplay(int Connection, int Loop, bool Kept, int Dropped, long RecordedBytes, long ReplayedBytes, int ComparedWrites, ReplayDivergence? Divergence, string? CloseNote)
{
    /// <summary>Played, and its output is the recorded one at every compared boundary.</summary>
    public bool Matches => Kept && Divergence is null;

    /// <summary>One line for the replay's report.</summary>
    public string Describe() => !Kept ? $"connection {Connection} (loop {Loop}): dropped by the case's choices"
        : string.Create(CultureInfo.InvariantCulture, $"connection {Connection} (loop {Loop}): {(Divergence is null ? "match" : "DIVERGES")}, {ReplayedBytes} of {RecordedBytes} bytes, {ComparedWrites} write boundaries compared{(Dropped > 0 ? $", {Dropped} client steps dropped" : string.Empty)}{(Divergence is null ? string.Empty : $"; first divergence at write {Divergence.Write}, offset {Divergence.Offset}: expected {Divergence.Expected}, got {Divergence.Got}")}{(CloseNote is null ? string.Empty : "; " + CloseNote)}");

    /// <summary>Up to <paramref name="count"/> bytes from <paramref name="offset"/>, escaped (<c>\r\n</c>, <c>\x00</c>), in quotes; empty at the end.</summary>
    internal static string Excerpt(ReadOnlySpan<byte> bytes, long offset, int count = 24)
    {
        if (offset >= bytes.Length)
        {
            return "(end of output)";
        }

        var text = new StringBuilder("\"");
        foreach (var b in bytes.Slice((int)offset, (int)Math.Min(count, bytes.Length - offset)))
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            });
        }

        return text.Append('"').ToString();
    }
}

/// <summary>A replay's verdict on every recorded connection, in the recording's order.</summary>
public sealed record ReplayReport(IReadOnlyList<ConnectionReplay> Connections)
{
    /// <summary>Every connection played matches its recording (a dropped one is not judged).</summary>
    public bool Matches => Connections.All(c => !c.Kept || c.Divergence is null);

    /// <summary>The first connection's divergence, in recording order, or null.</summary>
    public ReplayDivergence? FirstDivergence => Connections.Select(c => c.Divergence).FirstOrDefault(d => d is not null);
}
