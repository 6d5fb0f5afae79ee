using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Testbed.Specs.Integration.Support;

/// <summary>How the server ended a connection, as the client saw it.</summary>
internal enum ConnectionEnd
{
    /// <summary>An orderly close: the read returned 0 (FIN).</summary>
    Fin,

    /// <summary>The connection was reset (RST).</summary>
    Reset,
}

/// <summary>
/// A client socket for exact bytes: it sends what a spec wrote and parses what came back itself, so nothing
/// between the spec and the wire fixes up a malformed response. Every receive is bounded by <see cref="Bounded.Timeout"/>.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _finReceived;

    private RawConnection(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    /// <summary>Connects to <paramref name="endPoint"/>; a small <paramref name="receiveBufferSize"/> makes a slow reader.</summary>
    public static async Task<RawConnection> OpenAsync(IPEndPoint endPoint, int? receiveBufferSize = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            // Set before connecting so the window the client advertises is small from the start.
            socket.ReceiveBufferSize = size;
        }

        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(Bounded.Timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RawConnection(socket);
    }

    public Task SendAsync(string latin1) => SendAsync(Encoding.Latin1.GetBytes(latin1));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(Bounded.Timeout);
        while (!bytes.IsEmpty)
        {
            var n = await Socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            bytes = bytes[n..];
        }
    }

    /// <summary>One response: the head, then the body as its framing says (none when <paramref name="bodyExpected"/> is false, as for HEAD).</summary>
    public async Task<RawResponse> ReadResponseAsync(bool bodyExpected = true)
    {
        var head = await ReadHeadAsync();
        if (!bodyExpected || head.Status is < 200 or 204 or 304)
        {
            return head;
        }

        if (head.IsChunked)
        {
            return head with { Body = await ReadChunkedBodyAsync() };
        }

        if (head.ContentLength is { } length)
        {
            return head with { Body = await ReadExactlyAsync(checked((int)length)) };
        }

        return head with { Body = await ReadToEndAsync() };
    }

    /// <summary>The status line and header fields, up to and including the empty line.</summary>
    public async Task<RawResponse> ReadHeadAsync()
    {
        var statusLine = await ReadLineAsync();
        var parts = statusLine.Split(' ', 3);
        Assert.True(parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal), $"not a status line: '{statusLine}'");
        var headers = new List<KeyValuePair<string, string>>();
        for (var line = await ReadLineAsync(); line.Length > 0; line = await ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"not a header field: '{line}'");
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return new RawResponse(
            parts[0],
            int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture),
            parts.Length > 2 ? parts[2] : "",
            headers,
            []);
    }

    /// <summary>A line without its CRLF; fails on a bare LF or when the connection ends first.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            var b = await ReadByteAsync();
            if (b == '\n')
            {
                Assert.True(line.Count > 0 && line[^1] == '\r', "a line ended with a bare LF");
                return Encoding.Latin1.GetString([.. line], 0, line.Count - 1);
            }

            line.Add(b);
        }
    }

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (_start == _end && !await FillAsync())
            {
                throw new EndOfStreamException($"the connection ended after {filled} of {count} bytes");
            }

            var n = Math.Min(count - filled, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(filled));
            _start += n;
            filled += n;
        }

        return result;
    }

    /// <summary>Everything until the server's FIN; a reset fails the read.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var all = new MemoryStream();
        do
        {
            all.Write(_buffer, _start, _end - _start);
            _start = _end;
        }
        while (await FillAsync());

        return all.ToArray();
    }

    /// <summary>Everything until the connection ends, and whether it ended with a FIN or a reset.</summary>
    public async Task<(byte[] Bytes, ConnectionEnd End)> ReadUntilClosedAsync()
    {
        var all = new MemoryStream();
        try
        {
            do
            {
                all.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
            while (await FillAsync());

            return (all.ToArray(), ConnectionEnd.Fin);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (all.ToArray(), ConnectionEnd.Reset);
        }
    }

    /// <summary>
    /// Expects the server to close with no more bytes: returns whether that was a FIN or a reset. Fails if
    /// data arrives instead.
    /// </summary>
    public async Task<ConnectionEnd> ReadEndAsync()
    {
        try
        {
            var more = _start < _end || await FillAsync();
            Assert.False(more, $"expected the connection to close, got: '{Encoding.Latin1.GetString(_buffer, _start, _end - _start)}'");
            return ConnectionEnd.Fin;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return ConnectionEnd.Reset;
        }
    }

    /// <summary>True when, after <paramref name="wait"/>, no byte has arrived and the connection is still open.</summary>
    public async Task<bool> NothingArrivesWithinAsync(TimeSpan wait)
    {
        await Task.Delay(wait);
        return _start == _end && !_finReceived && !Socket.Poll(0, SelectMode.SelectRead);
    }

    /// <summary>Aborts the connection with a reset (SO_LINGER 0), as a crashing client would.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public void Dispose() => Socket.Dispose();

    private async Task<byte> ReadByteAsync()
    {
        if (_start == _end && !await FillAsync())
        {
            throw new EndOfStreamException("the connection ended in the middle of a line");
        }

        return _buffer[_start++];
    }

    /// <summary>Receives more bytes into the empty buffer; false on FIN.</summary>
    private async Task<bool> FillAsync()
    {
        if (_finReceived)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(Bounded.Timeout);
        int n;
        try
        {
            n = await Socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no byte and no close from the server within {Bounded.Timeout.TotalSeconds} s");
        }

        _start = 0;
        _end = n;
        _finReceived = n == 0;
        return n > 0;
    }

    private async Task<byte[]> ReadChunkedBodyAsync()
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync();
            var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }

            body.Write(await ReadExactlyAsync(size));
            Assert.Equal("", await ReadLineAsync());
        }

        // Trailer section: field lines up to the empty line.
        while ((await ReadLineAsync()).Length > 0)
        {
        }

        return body.ToArray();
    }
}

/// <summary>A response as it came off the wire.</summary>
internal sealed record RawResponse(string Version, int Status, string Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string BodyText => Encoding.Latin1.GetString(Body);

    public bool IsChunked => string.Equals(Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase);

    public long? ContentLength => Header("Content-Length") is { } value ? long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    /// <summary>All values of a header field joined with ", ", or null when it is absent.</summary>
    public string? Header(string name)
    {
        var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }

    public bool HasHeader(string name) => Header(name) is not null;
}
