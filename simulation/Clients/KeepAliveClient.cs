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

    /// <summary>Responses received so far, in order.</summary>
    public List<ParsedResponse> Responses { get; } = [];

    public bool Done => Responses.Count == _requests;

    public void Start() => _connection.Send(_request, _fragmentation);

    private void OnData(SimConnection connection)
    {
        while (ResponseReader.TryRead(connection.ReceivedSpan, headRequest: false, out var response, out var consumed))
        {
            connection.DiscardReceived(consumed);
            Responses.Add(response!);
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
