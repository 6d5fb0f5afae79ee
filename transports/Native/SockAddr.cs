using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Testbed.Transports.Native;

/// <summary>
/// Converts <see cref="IPEndPoint"/> to and from Linux <c>sockaddr_in</c> / <c>sockaddr_in6</c>. Done by hand
/// rather than with uv_ip4_addr/uv_ip6_addr so no string round trip (and no scope-id parsing) is involved.
/// </summary>
internal static unsafe class SockAddr
{
    /// <summary>sizeof(struct sockaddr_storage): large enough for any address libuv returns.</summary>
    public const int StorageSize = 128;

    private const int In4Size = 16;
    private const int In6Size = 28;

    /// <summary>Writes <paramref name="endPoint"/> into <paramref name="storage"/> (StorageSize bytes, zeroed here).</summary>
    public static void Write(IPEndPoint endPoint, byte* storage)
    {
        var span = new Span<byte>(storage, StorageSize);
        span.Clear();
        // sa_family is in host order; the port is in network order.
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)endPoint.Port);
        switch (endPoint.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                *(ushort*)storage = LibcInterop.AF_INET;
                endPoint.Address.TryWriteBytes(span.Slice(4, 4), out _);
                break;
            case AddressFamily.InterNetworkV6:
                *(ushort*)storage = LibcInterop.AF_INET6;
                // sin6_flowinfo (bytes 4..8) stays 0: IPAddress does not carry one.
                endPoint.Address.TryWriteBytes(span.Slice(8, 16), out _);
                *(uint*)(storage + 24) = (uint)endPoint.Address.ScopeId;
                break;
            default:
                throw new NotSupportedException($"libuv TCP supports IPv4 and IPv6, not {endPoint.AddressFamily}");
        }
    }

    /// <summary>The length of the sockaddr <see cref="Write"/> produces for <paramref name="endPoint"/>.</summary>
    public static uint LengthOf(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? (uint)In6Size : In4Size;

    /// <summary>Reads a <c>sockaddr_in</c> or <c>sockaddr_in6</c> that libuv wrote.</summary>
    public static IPEndPoint Read(byte* storage, int length)
    {
        var span = new ReadOnlySpan<byte>(storage, StorageSize);
        int port = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        var family = *(ushort*)storage;
        if (family == LibcInterop.AF_INET && length >= In4Size)
        {
            return new IPEndPoint(new IPAddress(span.Slice(4, 4)), port);
        }

        if (family == LibcInterop.AF_INET6 && length >= In6Size)
        {
            return new IPEndPoint(new IPAddress(span.Slice(8, 16), *(uint*)(storage + 24)), port);
        }

        throw new NotSupportedException($"unexpected socket address family {family}");
    }
}
