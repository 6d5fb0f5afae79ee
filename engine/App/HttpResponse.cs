using Testbed.Engine.Http;

namespace Testbed.Engine.App;

/// <summary>Status, headers and body of the response. Headers are sent on the first write or flush.</summary>
public sealed class HttpResponse
{
    private readonly ResponseProducer _producer;

    internal HttpResponse(ResponseProducer producer, bool allowSynchronousIO)
    {
        _producer = producer;
        Body = new ResponseBodyStream(producer, allowSynchronousIO);
    }

    /// <summary>The status code; settable until the response starts.</summary>
    public int StatusCode
    {
        get => _producer.StatusCode;
        set => _producer.StatusCode = value;
    }

    /// <summary>A reason phrase to send instead of the standard one.</summary>
    public string? ReasonPhrase
    {
        get => _producer.ReasonPhrase;
        set => _producer.ReasonPhrase = value;
    }

    public HeaderCollection Headers => _producer.Headers;

    public bool HasStarted => _producer.HasStarted;

    /// <summary>
    /// The body. Content-Length set in <see cref="Headers"/> is enforced: writing more throws, finishing with
    /// less aborts the connection. Without it, HTTP/1.1 responses are chunked.
    /// </summary>
    public Stream Body { get; }

    /// <summary>Runs just before the headers are sent; callbacks run in reverse order of registration.</summary>
    public void OnStarting(Func<Task> callback) => _producer.OnStarting(callback);

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _producer.WriteAsync(data, cancellationToken);

    /// <summary>Sends the headers (if not yet sent) and everything buffered, waiting for backpressure.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _producer.FlushAsync(cancellationToken);
}
