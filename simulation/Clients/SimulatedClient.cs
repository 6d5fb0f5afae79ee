using Testbed.Simulator.Runs;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Clients;

/// <summary>
/// A simulated HTTP/1.1 client that plays a <see cref="ClientScript"/> against the server: requests one at a
/// time or pipelined, bodies by length or chunked, 100-continue, idle stretches, and a reset or half-close
/// where the script says. It parses every byte that comes back, in order, and records it in its exchanges; the
/// run's invariant checkers judge them against each request's expected response.
/// </summary>
public sealed class SimulatedClient
{
    private readonly RunContext _run;
    private readonly ResponseParser _parser = new();
    private readonly Queue<ClientExchange> _awaiting = new();
    private int _next;
    private bool _closedByServerPromise;
    private bool _halfClosed;
    private bool _idled;

    public SimulatedClient(RunContext run, string name, ClientScript script)
    {
        _run = run;
        Name = name;
        Script = script;
        Exchanges = [.. script.Steps.Select((step, i) => new ClientExchange(this, i, step))];
    }

    /// <summary>The client's name, the same as its connection's (k1, k2 ...).</summary>
    public string Name { get; }

    public ClientScript Script { get; }

    public IReadOnlyList<ClientExchange> Exchanges { get; }

    public SimConnection? Connection { get; private set; }

    /// <summary>The connection is over for this client and every exchange is settled.</summary>
    public bool Finished { get; private set; }

    /// <summary>The client broke off as its script's <see cref="ClientScript.Disruption"/> says.</summary>
    public bool Disrupted { get; private set; }

    /// <summary>Virtual µs at which it broke off.</summary>
    public long? DisruptedAt { get; private set; }

    private const long TrickleIntervalMicros = 1_000_000;

    private Simulation Simulation => _run.Simulation;

    /// <summary>Connects now (so clients' connections are numbered as the clients are), and plays the script after its start delay.</summary>
    public void Start()
    {
        Connection = _run.Server.Connect();
        if (Connection.Name != Name)
        {
            throw new InvalidOperationException($"client {Name} got connection {Connection.Name}: clients must connect in the order they are named");
        }

        Connection.RecordWrites = false;
        Connection.DataReceived += _ => OnData();
        Connection.Ended += _ => OnEnded();
        if (Connection.Refused)
        {
            End(); // Nobody listening (accepts paused): refused as it connected, before it could be told.
            return;
        }

        After(Script.StartDelayMicros, static client => client.SendNext());
    }

    public override string ToString() => $"{Name} ({Exchanges.Count(e => e.IsSettled)}/{Exchanges.Count} settled{(Finished ? ", finished" : string.Empty)})";

    /// <summary>Sends the next request, after its idle stretch; pipelined ones go in the same send.</summary>
    private void SendNext()
    {
        if (Finished || _halfClosed || _next >= Exchanges.Count || _closedByServerPromise)
        {
            return;
        }

        var first = Exchanges[_next];
        if (first.Step.IdleBefore > 0 && !_idled)
        {
            _idled = true;
            After(first.Step.IdleBefore, static client => client.SendNext());
            return;
        }

        _idled = false;
        _next++;
        if (!TravelsWithOthers(first))
        {
            SendAlone(first);
            return;
        }

        var group = new List<ClientExchange> { first };
        while (group[^1].Step.PipelineWithNext && _next < Exchanges.Count && Exchanges[_next].Step.IdleBefore == 0 && TravelsWithOthers(Exchanges[_next]))
        {
            group.Add(Exchanges[_next++]);
        }

        using var bytes = new MemoryStream();
        foreach (var exchange in group)
        {
            bytes.Write(exchange.Request.Head);
            bytes.Write(exchange.Request.BodyWire);
            MarkSent(exchange, fully: true);
        }

        Connection!.Send(bytes.ToArray());
        AfterSending();
    }

    /// <summary>Whether a request can travel in one send with others: no 100-continue, no idle inside it, no break inside it.</summary>
    private bool TravelsWithOthers(ClientExchange exchange) =>
        !exchange.Request.ExpectContinue && exchange.Step.IdleInHeadAt is null && !BreaksOffInside(exchange);

    private bool BreaksOffInside(ClientExchange exchange) => Script.Disruption is { InRequest: not null } disruption && disruption.Exchange == exchange.Index;

    private void SendAlone(ClientExchange exchange)
    {
        var wire = Concat(exchange.Request.Head, exchange.Request.ExpectContinue ? [] : exchange.Request.BodyWire);
        if (Script.Disruption is { InRequest: { } cut } disruption && disruption.Exchange == exchange.Index)
        {
            // Break off inside the request: send a prefix, then reset or half-close.
            var full = Concat(exchange.Request.Head, exchange.Request.BodyWire);
            var prefix = Math.Clamp(cut, 0, Math.Max(0, full.Length - 1));
            MarkSent(exchange, fully: false);
            if (prefix > 0)
            {
                Connection!.Send(full.AsSpan(0, prefix));
            }

            Disrupt(disruption.Kind);
            if (disruption.Kind == DisruptionKind.Trickle)
            {
                exchange.State = ExchangeState.Sending;
                After(TrickleIntervalMicros, client => client.Trickle(exchange, full, prefix));
            }

            return;
        }

        if (exchange.Step.IdleInHeadAt is { } at && at > 0 && at < exchange.Request.Head.Length)
        {
            MarkSent(exchange, fully: false);
            exchange.State = ExchangeState.Sending;
            Connection!.Send(wire.AsSpan(0, at));
            After(exchange.Step.IdleInHeadMicros, client => client.FinishSending(exchange, wire, at));
            return;
        }

        MarkSent(exchange, fully: !exchange.Request.ExpectContinue || !exchange.Request.HasBody);
        Connection!.Send(wire);
        if (exchange.Request.ExpectContinue && exchange.Request.HasBody)
        {
            exchange.State = ExchangeState.Sending;
            After(exchange.Step.ContinueWaitMicros, client => client.SendBody(exchange));
            return;
        }

        AfterSending();
    }

    private void FinishSending(ClientExchange exchange, byte[] wire, int sentAlready)
    {
        if (Finished || exchange.State != ExchangeState.Sending)
        {
            return;
        }

        Connection!.Send(wire.AsSpan(sentAlready));
        if (exchange.Request.ExpectContinue && exchange.Request.HasBody)
        {
            After(exchange.Step.ContinueWaitMicros, client => client.SendBody(exchange));
            return;
        }

        exchange.State = ExchangeState.Sent;
        exchange.FullySent = true;
        AfterSending();
    }

    /// <summary>The next piece of a trickled body, until it is all sent or the server has had enough.</summary>
    private void Trickle(ClientExchange exchange, byte[] wire, int sentAlready)
    {
        if (Finished || exchange.State != ExchangeState.Sending || Connection!.ServerClosed)
        {
            return;
        }

        var piece = Math.Min(Disruption.TrickleBytes, wire.Length - sentAlready);
        Connection.Send(wire.AsSpan(sentAlready, piece));
        if (sentAlready + piece < wire.Length)
        {
            After(TrickleIntervalMicros, client => client.Trickle(exchange, wire, sentAlready + piece));
            return;
        }

        exchange.State = ExchangeState.Sent;
        exchange.FullySent = true;
    }

    /// <summary>The 100 came, or the wait for it ended: send the body, unless the final answer came first.</summary>
    private void SendBody(ClientExchange exchange)
    {
        if (Finished || exchange.State != ExchangeState.Sending || _halfClosed)
        {
            return;
        }

        exchange.State = ExchangeState.Sent;
        exchange.FullySent = true;
        Connection!.Send(exchange.Request.BodyWire);
        AfterSending();
    }

    private void MarkSent(ClientExchange exchange, bool fully)
    {
        exchange.State = ExchangeState.Sent;
        exchange.SentAt = Simulation.NowMicros;
        exchange.FullySent = fully;
        _awaiting.Enqueue(exchange);
        _run.Tell(static (o, e) => o.RequestSent(e), exchange);
    }

    /// <summary>The last request is out: a client that says so early half-closes now.</summary>
    private void AfterSending()
    {
        if (Script.Ending == ClientEnding.HalfCloseEarly && _next >= Exchanges.Count && Exchanges[^1].FullySent && !_halfClosed)
        {
            HalfClose();
        }
    }

    private void OnData()
    {
        if (Finished)
        {
            return;
        }

        // Parse everything that arrived, then forget it at once: dropping bytes chunk by chunk would move the rest
        // of the buffer every time, and a response of a million one-byte chunks would take minutes.
        var parsed = 0;
        try
        {
            parsed = Parse(Connection!.ReceivedSpan);
        }
        finally
        {
            if (!Finished)
            {
                Connection!.DiscardReceived(parsed);
            }
        }
    }

    /// <summary>Parses responses from <paramref name="data"/> for the exchanges awaiting them; returns the bytes done with.</summary>
    private int Parse(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        while (!Finished)
        {
            var rest = data[offset..];
            if (!_awaiting.TryPeek(out var exchange))
            {
                if (!rest.IsEmpty)
                {
                    Garbage($"{rest.Length} bytes arrived with no request outstanding");
                }

                return offset;
            }

            var step = _parser.Advance(rest, exchange.Request.IsHead, out var consumed);
            if (step == ParseStep.Body)
            {
                var (at, length) = _parser.Body;
                exchange.CheckBody(rest.Slice(at, length));
            }

            offset += consumed;
            switch (step)
            {
                case ParseStep.NeedMore:
                    return offset;
                case ParseStep.Malformed:
                    Garbage(_parser.Problem);
                    return offset;
                case ParseStep.Interim:
                    OnInterim(exchange);
                    break;
                case ParseStep.Head:
                    exchange.Response = _parser.Current;
                    exchange.HeadAt = Simulation.NowMicros;
                    break;
                case ParseStep.Complete:
                    exchange.Response ??= _parser.Current;
                    exchange.HeadAt ??= Simulation.NowMicros;
                    Answered(exchange);
                    break;
            }

            DisruptInResponse(exchange, step == ParseStep.Complete);
        }

        return offset;
    }

    private void OnInterim(ClientExchange exchange)
    {
        exchange.Interims.Add(_parser.Current!);
        _run.Tell(static (o, e) => o.InterimReceived(e), exchange);
        if (_parser.Current!.Status == 100 && exchange.State == ExchangeState.Sending && exchange.Step.IdleInHeadAt is null)
        {
            SendBody(exchange);
        }
    }

    private void Answered(ClientExchange exchange)
    {
        var bodyUnsent = exchange.State == ExchangeState.Sending;
        _awaiting.Dequeue();
        exchange.State = ExchangeState.Answered;
        _run.Tell(static (o, e) => o.ResponseReceived(e), exchange);
        if (SaysClose(exchange.Response!) || exchange.Expected.MustClose)
        {
            // Nothing more will be served here: wait for the server to close.
            _closedByServerPromise = true;
            return;
        }

        if (bodyUnsent)
        {
            // The answer came before the body it waited for 100 Continue to send: the server may still expect that
            // body, so the connection cannot carry another request (RFC 9110 §10.1.1). Close it, as curl does.
            _closedByServerPromise = true;
            if (!_halfClosed)
            {
                HalfClose();
            }

            return;
        }

        if (_awaiting.Count == 0)
        {
            if (_next < Exchanges.Count)
            {
                SendNext();
            }
            else if (Script.Ending == ClientEnding.Close && !_halfClosed)
            {
                HalfClose();
            }
        }
    }

    private void DisruptInResponse(ClientExchange exchange, bool complete)
    {
        if (Script.Disruption is { InRequest: null } disruption && disruption.Exchange == exchange.Index && !Disrupted
            && exchange.Response is not null && (exchange.BodyReceived >= disruption.InResponse || complete)
            && !(complete && disruption.Kind == DisruptionKind.StopReading))
        {
            Disrupt(disruption.Kind);
        }
    }

    private void Disrupt(DisruptionKind kind)
    {
        Disrupted = true;
        DisruptedAt = Simulation.NowMicros;
        if (kind is DisruptionKind.Stall or DisruptionKind.Trickle)
        {
            return; // Sends nothing more (or a trickle), and waits for whatever the server does about it.
        }

        if (kind == DisruptionKind.StopReading)
        {
            Connection!.StopReceiving();
            return;
        }

        if (kind == DisruptionKind.Eof)
        {
            if (!_halfClosed)
            {
                HalfClose();
            }

            return;
        }

        Connection!.Reset();
        End();
    }

    private void HalfClose()
    {
        _halfClosed = true;
        Connection!.HalfClose();
    }

    /// <summary>The server closed (or reset), or the network broke: whatever was outstanding is settled now.</summary>
    private void OnEnded()
    {
        if (!Finished)
        {
            // Only a clean close (FIN) ends a body that ends with the connection; a reset cuts it.
            if (_parser.AwaitsClose && _awaiting.TryPeek(out var closing) && Connection!.ServerFinished && !Connection.Broken && !Connection.ServerReset)
            {
                _parser.EndAtClose();
                Answered(closing);
            }

            End();
        }
    }

    private void End()
    {
        Finished = true;
        foreach (var exchange in Exchanges.Where(e => !e.IsSettled))
        {
            exchange.State = exchange.Response is not null ? ExchangeState.Cut
                : exchange.SentAt is not null ? ExchangeState.Unanswered
                : ExchangeState.NotSent;
        }

        _awaiting.Clear();
        _run.Tell(static (o, c) => o.ClientEnded(c), this);
    }

    private void Garbage(string problem)
    {
        _run.Tell(static (o, a) => o.ResponseMalformed(a.Client, a.Problem), (Client: this, Problem: problem));
    }

    private void After(long micros, Action<SimulatedClient> action) =>
        Simulation.Enqueue(micros, EventKind.Timer, state => action((SimulatedClient)state!), this);

    private static bool SaysClose(ParsedResponse response) =>
        response.Header("Connection") is { } connection && connection.Split(',').Any(t => t.Trim().Equals("close", StringComparison.OrdinalIgnoreCase));

    private static byte[] Concat(byte[] head, byte[] body) => [.. head, .. body];
}
