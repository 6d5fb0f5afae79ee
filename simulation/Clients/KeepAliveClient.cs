using System.Text;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Clients;

/// <summary>What <see cref="KeepAliveClient.BodyReceived"/> hands over: a response's head (its Body empty) and its body, valid only during the call.</summary>
public delegate void ResponseBodyHandler(ParsedResponse head, ReadOnlySpan<byte> body);

/// <summary>
/// A simulated client that sends one request, waits for the whole response, sends the next on the same
/// connection, and half-closes after the last. It reacts inside the simulation, as a real client would.
/// </summary>
public sealed class KeepAliveClient
{
    private readonly SimConnection _connection;
    private readonly byte[] _request;
    private readonly int _requests;
    private readonly Fragmentation _fragmentation;

    public KeepAliveClient(SimConnection connection, string path, int requests, Fragmentation? fragmentation = null)
    {
        _connection = connection;
        _request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: testbed\r\n\r\n");
        _requests = requests;
        _fragmentation = fragmentation ?? Fragmentation.Whole;
        connection.DataReceived += OnData;
    }

    /// <summary>Raised inside the simulation for each response as soon as it is parsed, before the next request goes out.</summary>
    public event Action<ParsedResponse>? ResponseReceived;

    /// <summary>
    /// Like <see cref="ResponseReceived"/>, with the body where it lies in the receive buffer instead of a copy: for
    /// a run that checks every body without keeping it.
    /// </summary>
    public event ResponseBodyHandler? BodyReceived;

    /// <summary>
    /// Keep every response in <see cref="Responses"/> (the default). A run that checks each response in
    /// <see cref="ResponseReceived"/> turns it off, so bodies do not pile up over a long run.
    /// </summary>
    public bool KeepResponses { get; init; } = true;

    /// <summary>Responses received so far, in order, while <see cref="KeepResponses"/> is on.</summary>
    public List<ParsedResponse> Responses { get; } = [];

    /// <summary>How many responses arrived, kept or not.</summary>
    public int ResponseCount { get; private set; }

    public bool Done => ResponseCount == _requests;

    public void Start() => _connection.Send(_request, _fragmentation);

    private void OnData(SimConnection connection)
    {
        while (ResponseReader.TryReadInPlace(connection.ReceivedSpan, headRequest: false, out var head, out var body, out var consumed))
        {
            ResponseCount++;
            if (KeepResponses || ResponseReceived is not null)
            {
                var response = body.IsEmpty ? head! : head! with { Body = body.ToArray() };
                if (KeepResponses)
                {
                    Responses.Add(response);
                }

                ResponseReceived?.Invoke(response);
            }

            BodyReceived?.Invoke(head!, body);

            // Only now: the body may lie in the bytes this drops.
            connection.DiscardReceived(consumed);
            if (Done)
            {
                connection.HalfClose();
            }
            else
            {
                connection.Send(_request, _fragmentation);
            }
        }
    }
}
