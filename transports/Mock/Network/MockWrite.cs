using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// One uv_write the server submitted. Its bytes are copied at submission (what the engine asked to send) and
/// checked again at completion, since libuv may read the buffers any time before its callback.
/// </summary>
public sealed class MockWrite
{
    private readonly UvBuffer[] _buffers;

    internal MockWrite(SimConnection connection, UvWriteReq request, ReadOnlySpan<UvBuffer> buffers, bool keepBuffers)
    {
        Connection = connection;
        Request = request;
        _buffers = keepBuffers ? buffers.ToArray() : [];
        BufferCount = buffers.Length;
        Bytes = Copy(buffers);
    }

    public SimConnection Connection { get; }

    public UvWriteReq Request { get; }

    /// <summary>The bytes as they were when the write was submitted.</summary>
    public byte[] Bytes { get; }

    public int BufferCount { get; }

    /// <summary>The completion status, or null while the write is in flight.</summary>
    public int? Status { get; internal set; }

    /// <summary>Completes this write with <paramref name="status"/> (0, or ECONNRESET, EPIPE, ECANCELED...) as the next event.</summary>
    public void Complete(int status = 0) => Connection.CompleteLater(this, status);

    internal void AssertBuffersUnchanged()
    {
        var offset = 0;
        foreach (var buffer in _buffers)
        {
            // Compared in place: a copy of every write's bytes at completion would double what verification costs.
            if (!buffer.AsSpan().SequenceEqual(Bytes.AsSpan(offset, buffer.Length)))
            {
                throw new SimulationException("uv_write buffers changed while the write was in flight");
            }

            offset += buffer.Length;
        }
    }

    private static byte[] Copy(ReadOnlySpan<UvBuffer> buffers)
    {
        var total = 0;
        foreach (var buffer in buffers)
        {
            total += buffer.Length;
        }

        var bytes = new byte[total];
        var offset = 0;
        foreach (var buffer in buffers)
        {
            buffer.AsSpan().CopyTo(bytes.AsSpan(offset));
            offset += buffer.Length;
        }

        return bytes;
    }
}
