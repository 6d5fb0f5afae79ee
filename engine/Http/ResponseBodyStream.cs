namespace Testbed.Engine.Http;

/// <summary>
/// The write-only response body stream. Synchronous writes, when allowed, block the caller until backpressure allows.
/// </summary>
internal sealed class ResponseBodyStream(ResponseProducer producer, bool allowSynchronousIO) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        SynchronousIO.ThrowIfDisallowed(allowSynchronousIO, nameof(WriteAsync));
        producer.WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).GetAwaiter().GetResult();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        producer.WriteAsync(buffer.AsMemory(offset, count), cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(producer.WriteAsync(buffer, cancellationToken));

    public override void Flush()
    {
        SynchronousIO.ThrowIfDisallowed(allowSynchronousIO, nameof(FlushAsync));
        producer.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => producer.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
