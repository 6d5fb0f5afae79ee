using System.Text;
using Testbed.Transports.Mock.Network;

namespace Testbed.Simulator.Clients;

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
        while (ResponseReader.TryRead(connection.ReceivedSpan, headRequest: false, out var response, out var consumed))
        {
            connection.DiscardReceived(consumed);
            ResponseCount++;
            if (KeepResponses)
            {
                Responses.Add(response!);
            }

            ResponseReceived?.Invoke(response!);
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
