using System.Buffers;
using System.Text;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// One simulated TCP connection. A spec drives the client end (send with a fragmentation, half-close, reset,
/// read what arrived); the mock's server-side handle reads the client's bytes and writes back through it.
/// Its random choices come from two streams of its own: <c>net.kN</c> (latencies, cuts) and <c>faults.kN</c>.
/// </summary>
public sealed partial class SimConnection
{
    private readonly Simulation _simulation;
    private readonly ChoiceStream _net;
    private readonly ChoiceStream _faults;
    private readonly Queue<Segment> _inbound = new();
    private readonly Stack<Segment> _spareSegments = new();
    private readonly List<int> _pieces = [];
    private readonly ReceiveBuffer _received = new();
    private readonly List<MockWrite> _inFlight = [];
    private readonly Stack<MockWrite> _spareWrites = new();
    private long _lastArrival;
    private long _lastWriteDone;
    private bool _deliveryQueued;
    private bool _clientFin;
    private bool _endDelivered;
    private bool _endSeen;
    private UvShutdownReq? _pendingShutdown;

    internal SimConnection(Simulation simulation, string name, int localPort, int peerPort, bool holdWrites)
    {
        _simulation = simulation;
        Name = name;
        LocalPort = localPort;
        PeerPort = peerPort;
        HoldWrites = holdWrites;
        _net = simulation.Stream(Simulation.NetworkStream + "." + name);
        _faults = simulation.Stream(Simulation.FaultStream + "." + name);
    }

    /// <summary>The client's logical name in the trace (k1, k2...).</summary>
    public string Name { get; }

    /// <summary>The server's port this connection reached.</summary>
    internal int LocalPort { get; }

    /// <summary>The client's own port, for getpeername.</summary>
    internal int PeerPort { get; }

    /// <summary>Raised inside the simulation whenever bytes from the server arrive: where simulated clients react.</summary>
    public event Action<SimConnection>? DataReceived;

    /// <summary>Raised once when the client learns the connection is over: the server's FIN or reset, or a broken network.</summary>
    public event Action<SimConnection>? Ended;

    /// <summary>When true, the server's uv_writes stay in flight until the spec completes them.</summary>
    public bool HoldWrites { get; set; }

    /// <summary>
    /// When true (the default), every write stays in <see cref="Writes"/> with a copy of its bytes. A long-running
    /// client that reads what arrives turns it off, so completed writes are not kept: writes in flight are still
    /// tracked, verified and delivered the same way.
    /// </summary>
    public bool RecordWrites { get; set; } = true;

    /// <summary>
    /// When set, what the client sends (and its FIN) reaches the server exactly this many µs later, with no draw
    /// from <c>net.kN</c>; <see cref="MockNetwork.ConnectTo"/> sets 0. Null (the default): a seeded latency
    /// within <see cref="SimulationOptions.NetworkLatency"/>.
    /// </summary>
    public long? FixedLatencyMicros { get; set; }

    /// <summary>The server accepted the connection.</summary>
    public bool Accepted => Server is not null;

    /// <summary>Nobody was listening, or the listener closed before accepting: the connection was refused.</summary>
    public bool Refused { get; private set; }

    /// <summary>The client reset the connection.</summary>
    public bool ClientReset { get; private set; }

    /// <summary>An injected write failure broke the connection: the peer is gone, and both sides see a reset.</summary>
    public bool Broken { get; private set; }

    /// <summary>The server sent FIN (shutdown, or a close with nothing unread).</summary>
    public bool ServerFinished { get; private set; }

    /// <summary>The server closed with client bytes unread, which TCP turns into a reset.</summary>
    public bool ServerReset { get; private set; }

    /// <summary>The server's handle for this connection is fully closed.</summary>
    public bool ServerClosed { get; private set; }

    /// <summary>Whether the server is reading right now (false while input backpressure holds it).</summary>
    public bool ServerReading { get; private set; }

    /// <summary>Times the server stopped reading before it closed.</summary>
    public int ReadStops { get; private set; }

    /// <summary>Every byte the server delivered to the client, in order.</summary>
    public byte[] Received => _received.DeliveredSpan.ToArray();

    /// <summary>Every byte the server delivered so far, without a copy; valid until the server's next write or delivery, or the next discard.</summary>
    public ReadOnlySpan<byte> ReceivedSpan => _received.DeliveredSpan;

    /// <summary>What the client received, as Latin-1 text.</summary>
    public string ReceivedText => Encoding.Latin1.GetString(_received.DeliveredSpan);

    /// <summary>Bytes sent by the client that the server has not read yet.</summary>
    public long Unread => _inbound.Sum(s => (long)s.Remaining);

    /// <summary>The server's uv_writes still in flight, oldest first.</summary>
    public IReadOnlyList<MockWrite> WritesInFlight => _inFlight;

    /// <summary>Every uv_write the server submitted on this connection while <see cref="RecordWrites"/> was on.</summary>
    public List<MockWrite> Writes { get; } = [];

    /// <summary>The most uv_writes that were in flight at once.</summary>
    public int MaxWritesInFlight { get; private set; }

    internal TcpState? Server { get; set; }

    /// <summary>The server's handle for this connection, once accepted: how an observer matches it to the engine's connection.</summary>
    public UvStreamHandle? ServerHandle => Server?.Handle as UvStreamHandle;

    /// <summary>The connection's network stream (<c>net.kN</c>): latencies and the cuts a spec asks for.</summary>
    internal ChoiceStream NetworkChoices => _net;

    /// <summary>The connection's fault stream (<c>faults.kN</c>): every fault injected on it.</summary>
    internal ChoiceStream FaultChoices => _faults;

    /// <summary>Injected accept errors still to come before this connection can be accepted.</summary>
    internal int PendingAcceptErrors { get; set; }

    /// <summary>The peer is gone (it reset, or the network broke the connection): reads and writes fail.</summary>
    private bool PeerGone => ClientReset || Broken;

    /// <summary>Returns what the client received so far and forgets it, for specs checking one response at a time.</summary>
    public string TakeReceivedText()
    {
        var text = ReceivedText;
        _received.Discard(_received.Delivered);
        return text;
    }

    /// <summary>
    /// Forgets the first <paramref name="count"/> bytes received, as a client that has read them: a long-lived
    /// simulated client keeps only what it has not parsed yet instead of every byte of the connection.
    /// </summary>
    public void DiscardReceived(int count) => _received.Discard(count);

    /// <summary>
    /// Sends bytes, cut into reads by <paramref name="fragmentation"/>; without one the network decides (whole,
    /// unless an injected fault cuts it). A connection the network broke drops what is sent.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Bytes or text, each with the same optional fragmentation: no call is ambiguous, and the pair ships together.")]
    public void Send(ReadOnlySpan<byte> data, Fragmentation? fragmentation = null)
    {
        _simulation.AssertOnSimulationThread("SimConnection.Send");
        if (_clientFin || ClientReset)
        {
            throw new SimulationException($"{Name} sends after it half-closed or reset");
        }

        if (Broken)
        {
            _simulation.Trace.Add($"net.send {Name} bytes={data.Length} dropped");
            return;
        }

        // One rented copy per send, shared by its pieces and returned with the last of them.
        var bytes = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(bytes);
        (fragmentation ?? NetworkFragmentation()).Split(fragmentation is null ? _faults : _net, data.Length, _pieces);
        var offset = 0;
        for (var i = 0; i < _pieces.Count; i++)
        {
            var length = _pieces[i];
            var arrival = Arrival();
            _simulation.Trace.Add($"net.send {Name} bytes={length} at={arrival}");
            var segment = _spareSegments.Count > 0 ? _spareSegments.Pop() : new Segment();
            segment.Reset(bytes, offset, length, arrival, ownsBytes: i == _pieces.Count - 1);
            _inbound.Enqueue(segment);
            offset += length;
        }

        Simulation.Check(offset == data.Length, "the pieces of a send add up to it");
        _simulation.Notify(ObserverCall.ClientSent, static (o, a) => o.ClientSent(a.Connection, a.Bytes), (Connection: this, Bytes: data.Length));
        KickDelivery();
    }

    /// <summary>Sends Latin-1 text.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Bytes or text, each with the same optional fragmentation: no call is ambiguous, and the pair ships together.")]
    public void Send(string text, Fragmentation? fragmentation = null) => Send(Encoding.Latin1.GetBytes(text), fragmentation);

    /// <summary>Half-closes: the server reads EOF once it has read everything sent before.</summary>
    public void HalfClose()
    {
        _simulation.AssertOnSimulationThread("SimConnection.HalfClose");
        Simulation.Check(!_clientFin && !ClientReset, $"{Name} half-closes twice or after a reset");
        _simulation.Trace.Add($"net.fin {Name}");
        _clientFin = true;
        _lastArrival = Arrival();
        _simulation.Notify(ObserverCall.ClientHalfClosed, static (o, c) => o.ClientHalfClosed(c), this);
        KickDelivery();
    }

    /// <summary>
    /// Stops receiving for good, as a hostile or hung peer does: its receive window stays full, so the server's
    /// writes in flight, and every write after them, stay in flight until the server gives up and closes.
    /// </summary>
    public void StopReceiving()
    {
        _simulation.AssertOnSimulationThread("SimConnection.StopReceiving");
        Simulation.Check(!ClientStoppedReceiving, $"{Name} stops receiving twice");
        _simulation.Trace.Add($"net.stop_receiving {Name}");
        ClientStoppedReceiving = true;
        _simulation.Notify(ObserverCall.ClientStoppedReceiving, static (o, c) => o.ClientStoppedReceiving(c), this);
    }

    /// <summary>The client stopped receiving (<see cref="StopReceiving"/>).</summary>
    public bool ClientStoppedReceiving { get; private set; }

    /// <summary>Resets: unread bytes are lost, the server's next read fails with ECONNRESET, and so do its writes.</summary>
    public void Reset()
    {
        _simulation.AssertOnSimulationThread("SimConnection.Reset");
        Simulation.Check(!ClientReset, $"{Name} resets twice");
        _simulation.Trace.Add($"net.rst {Name}");
        ClientReset = true;
        DropInbound();
        _simulation.Notify(ObserverCall.ClientReset, static (o, c) => o.ClientReset(c), this);
        KickDelivery();
    }

    internal void Refuse()
    {
        _simulation.Trace.Add($"net.refused {Name}");
        Refused = true;
        _simulation.Notify(ObserverCall.ClientRefused, static (o, c) => o.ClientRefused(c), this);
        SawEnd();
    }

    /// <summary>An injected write failure: the peer is gone. What it had not read yet is lost both ways.</summary>
    private void Break()
    {
        if (Broken || ClientReset)
        {
            return;
        }

        Broken = true;
        DropInbound();
        _simulation.Trace.Add($"net.broken {Name}");
        SawEnd();
        KickDelivery();
    }

    /// <summary>The client learns the connection is over, once.</summary>
    private void SawEnd()
    {
        if (_endSeen)
        {
            return;
        }

        _endSeen = true;
        _simulation.Notify(ObserverCall.ClientSawEnd, static (o, c) => o.ClientSawEnd(c), this);
        Ended?.Invoke(this);
    }

    private Fragmentation NetworkFragmentation()
    {
        if (!_faults.Chance("send.fragment", _simulation.FaultChance(_simulation.Options.Faults.FragmentChance)))
        {
            return Fragmentation.Whole;
        }

        _simulation.Notify(ObserverCall.FaultInjected, static (o, c) => o.FaultInjected(WorldFault.SendFragmented, c), this);
        return Fragmentation.Random(_simulation.Options.Faults.MaxFragments);
    }

    /// <summary>The oldest write in flight arrived: its staged bytes become received.</summary>
    private void Deliver(MockWrite write)
    {
        _received.Deliver(write.Length);
        DataReceived?.Invoke(this);
    }

    private long Arrival()
    {
        var latency = FixedLatencyMicros ?? _net.Between("net.latency", _simulation.Options.NetworkLatency);
        _lastArrival = Math.Max(_lastArrival, _simulation.NowMicros + latency);
        return _lastArrival;
    }

    /// <summary>Takes the oldest segment off the queue, all of it read (or lost), and keeps it for the next send.</summary>
    private void DropOldestSegment()
    {
        var segment = _inbound.Dequeue();
        if (segment.OwnsBytes && segment.Bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(segment.Bytes);
        }

        segment.Reset([], 0, 0, 0, ownsBytes: false);
        _spareSegments.Push(segment);
    }

    private void DropInbound()
    {
        while (_inbound.Count > 0)
        {
            DropOldestSegment();
        }
    }

    /// <summary>One piece of a send, reused: its bytes are a slice of the send's rented copy.</summary>
    private sealed class Segment
    {
        public byte[] Bytes { get; private set; } = [];

        public int Offset { get; set; }

        public int Remaining { get; set; }

        public long Arrival { get; private set; }

        /// <summary>The send's last piece: its bytes go back to the pool with it.</summary>
        public bool OwnsBytes { get; private set; }

        /// <summary>Whether the chance of an empty read before this segment has been drawn.</summary>
        public bool ZeroReadDrawn { get; set; }

        public void Reset(byte[] bytes, int offset, int length, long arrival, bool ownsBytes)
        {
            (Bytes, Offset, Remaining, Arrival, OwnsBytes, ZeroReadDrawn) = (bytes, offset, length, arrival, ownsBytes, false);
        }
    }
}
