using System.Buffers;
using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Network;

/// <summary>
/// The client's receive side of one connection: the bytes delivered so far, followed by the bytes of the
/// server's writes still in flight, staged in submission order. A write's bytes are copied once, when it is
/// submitted; completing it only moves the line between staged and delivered, and a failed write's bytes are
/// cut out. Writes complete in order, so the write completing is always the oldest staged one.
/// The array comes from a pool and goes back whenever the buffer is empty (a client that discards each response
/// once parsed empties it after every response), so a run of many connections does not allocate, zero and
/// collect a buffer per connection.
/// </summary>
internal sealed class ReceiveBuffer
{
    /// <summary>
    /// The mock's own pool, not <see cref="ArrayPool{T}.Shared"/>, which keeps only a few arrays of a size per
    /// core: with write verification on, every connection holds its buffer from a write's submission to its
    /// completion, the standard scenario's 100 connections at once, and the arrays the shared pool could not
    /// supply lived just long enough to die in gen2 (63 gen2 collections in 300 traced runs, 0 with this). Up to
    /// 128 arrays of each size up to 256 KiB stay pooled: at most about 64 MiB, in practice 100 × 32 KiB.
    /// </summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 256 * 1024, maxArraysPerBucket: 128);

    private byte[] _bytes = [];
    private int _staged;

    /// <summary>Bytes delivered to the client and not discarded.</summary>
    public int Delivered { get; private set; }

    public ReadOnlySpan<byte> DeliveredSpan => _bytes.AsSpan(0, Delivered);

    /// <summary>Copies one write's buffers after everything staged; returns the staged copy.</summary>
    public ReadOnlySpan<byte> Stage(ReadOnlySpan<UvBuffer> buffers, int length)
    {
        var start = Delivered + _staged;
        if (_bytes.Length - start < length)
        {
            Grow((int)Math.Min(Array.MaxLength, Math.Max((long)start + length, 2L * _bytes.Length)), start);
        }

        var offset = start;
        foreach (var buffer in buffers)
        {
            buffer.AsSpan().CopyTo(_bytes.AsSpan(offset));
            offset += buffer.Length;
        }

        _staged += length;
        return _bytes.AsSpan(start, length);
    }

    /// <summary>The oldest staged write's bytes.</summary>
    public ReadOnlySpan<byte> Oldest(int length) => _bytes.AsSpan(Delivered, Math.Min(length, _staged));

    /// <summary>The oldest staged write arrived: its bytes become delivered.</summary>
    public void Deliver(int length)
    {
        Simulation.Check(length <= _staged, "delivering more than was staged");
        Delivered += length;
        _staged -= length;
    }

    /// <summary>The oldest staged write failed: its bytes never arrive.</summary>
    public void Drop(int length)
    {
        Simulation.Check(length <= _staged, "dropping more than was staged");
        _bytes.AsSpan(Delivered + length, _staged - length).CopyTo(_bytes.AsSpan(Delivered));
        _staged -= length;
        ReturnIfEmpty();
    }

    /// <summary>Forgets the first <paramref name="count"/> delivered bytes.</summary>
    public void Discard(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Delivered);
        _bytes.AsSpan(count, Delivered - count + _staged).CopyTo(_bytes);
        Delivered -= count;
        ReturnIfEmpty();
    }

    private void Grow(int size, int used)
    {
        var bigger = Pool.Rent(size);
        _bytes.AsSpan(0, used).CopyTo(bigger);
        if (_bytes.Length > 0)
        {
            Pool.Return(_bytes);
        }

        _bytes = bigger;
    }

    private void ReturnIfEmpty()
    {
        if (Delivered + _staged == 0 && _bytes.Length > 0)
        {
            Pool.Return(_bytes);
            _bytes = [];
        }
    }
}
