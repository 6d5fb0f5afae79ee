namespace Testbed.Simulator.Clients;

/// <summary>Where one request of a client stands.</summary>
public enum ExchangeState
{
    /// <summary>Not sent yet.</summary>
    Pending,

    /// <summary>Its head is out; its body waits for 100 Continue, or the rest of its head for an idle stretch to end.</summary>
    Sending,

    /// <summary>All of it was sent; its response has not finished arriving.</summary>
    Sent,

    /// <summary>A whole final response arrived.</summary>
    Answered,

    /// <summary>Its response had begun when the connection ended.</summary>
    Cut,

    /// <summary>It was sent, at least in part, and the connection ended before any final response.</summary>
    Unanswered,

    /// <summary>The client never sent it: the connection was over first.</summary>
    NotSent,
}

/// <summary>One request of a simulated client and everything that came back for it: its history.</summary>
public sealed class ClientExchange
{
    internal ClientExchange(SimulatedClient client, int index, ScriptStep step)
    {
        Client = client;
        Index = index;
        Step = step;
    }

    public SimulatedClient Client { get; }

    /// <summary>Its position on the connection, from 0.</summary>
    public int Index { get; }

    public ScriptStep Step { get; }

    public RequestPlan Request => Step.Request;

    public ExpectedResponse Expected => Step.Expected;

    public ExchangeState State { get; internal set; }

    /// <summary>Virtual µs at which its first byte was sent.</summary>
    public long? SentAt { get; internal set; }

    /// <summary>Virtual µs at which its final response's head arrived.</summary>
    public long? HeadAt { get; internal set; }

    /// <summary>Whether every byte of it (body included) was sent.</summary>
    public bool FullySent { get; internal set; }

    /// <summary>Interim (1xx) heads received for it.</summary>
    public List<ParsedResponse> Interims { get; } = [];

    /// <summary>The final response's head (its Body is empty; the body was checked where it lay).</summary>
    public ParsedResponse? Response { get; internal set; }

    /// <summary>Decoded body bytes received.</summary>
    public long BodyReceived { get; internal set; }

    /// <summary>The first offset where the body differs from what the app writes, or null.</summary>
    public long? BodyMismatchAt { get; internal set; }

    public bool IsSettled => State is ExchangeState.Answered or ExchangeState.Cut or ExchangeState.Unanswered or ExchangeState.NotSent;

    public override string ToString() => $"{Request} [{State}]";

    /// <summary>Compares body bytes as they arrive with the app's, at <see cref="BodyReceived"/>.</summary>
    internal void CheckBody(ReadOnlySpan<byte> bytes)
    {
        var expected = Expected.Body;
        for (var i = 0; i < bytes.Length && BodyMismatchAt is null; i++)
        {
            var offset = BodyReceived + i;
            if (offset >= expected.Length || bytes[i] != expected[offset])
            {
                BodyMismatchAt = offset;
            }
        }

        BodyReceived += bytes.Length;
    }
}
