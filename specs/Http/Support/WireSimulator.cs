using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Specs.Http.Support;

/// <summary>How a run over some bytes ended, as far as the parser layer can tell.</summary>
internal enum Terminal
{
    /// <summary>More bytes are needed (a head or body is incomplete, or nothing follows).</summary>
    Waiting,

    /// <summary>A request without keep-alive completed; later bytes are never read.</summary>
    Closed,

    /// <summary>The parser threw <see cref="BadHttpRequestException"/>.</summary>
    Rejected,
}

internal sealed record WireOutcome(int Completed, Terminal Terminal, int? Status, string Detail, string FirstMethod, string Bodies)
{
    public override string ToString() => $"completed={Completed} {Terminal}{(Status is null ? "" : " " + Status)} {Detail}";

    /// <summary>What must not change however the bytes are split.</summary>
    public (int, Terminal, int?, string) Shape => (Completed, Terminal, Status, Bodies);
}

/// <summary>
/// Drives <see cref="RequestHeadParser"/>, Content-Length skipping and <see cref="ChunkedDecoder"/> over bytes
/// that arrive in pieces, the way a connection would: pipelined requests are parsed one after another, and
/// every call sees only the unconsumed bytes as a multi-segment sequence.
/// </summary>
internal sealed class WireSimulator(ServerLimits limits, int destinationSize)
{
    private readonly List<byte[]> _arrived = [];
    private readonly List<string> _bodies = [];
    private long _consumed;
    private RequestHead? _head;
    private long _contentRemaining;
    private ChunkedDecoder? _decoder;
    private readonly List<byte> _body = [];
    private int _completed;
    private Terminal _terminal = Terminal.Waiting;
    private int? _status;
    private string _detail = "";
    private string _firstMethod = "";

    public static WireOutcome Run(ServerLimits limits, IEnumerable<byte[]> pieces, int destinationSize = 4096)
    {
        var simulator = new WireSimulator(limits, destinationSize);
        foreach (var piece in pieces)
        {
            simulator.Receive(piece);
        }

        return simulator.Outcome;
    }

    public WireOutcome Outcome => new(_completed, _terminal, _status, _detail, _firstMethod, string.Join("|", _bodies));

    public void Receive(byte[] piece)
    {
        if (_terminal != Terminal.Waiting)
        {
            return;
        }

        _arrived.Add(piece);
        try
        {
            while (_terminal == Terminal.Waiting && Step())
            {
            }
        }
        catch (BadHttpRequestException e)
        {
            (_terminal, _status, _detail) = (Terminal.Rejected, e.StatusCode, e.Message);
        }
    }

    /// <summary>Makes one unit of progress; false when more bytes are needed.</summary>
    private bool Step()
    {
        var input = Unconsumed();
        if (_head is null)
        {
            var head = new RequestHead();
            if (!RequestHeadParser.TryParse(input, limits, head, out var consumed))
            {
                return false;
            }

            Advance(input, consumed);
            StartBody(head);
            return true;
        }

        return _decoder is null ? SkipContent(input) : DecodeChunks(input);
    }

    private void StartBody(RequestHead head)
    {
        _head = head;
        if (_completed == 0)
        {
            _firstMethod = head.Method;
        }

        _decoder = head.IsChunked ? new ChunkedDecoder(limits) : null;
        _contentRemaining = head.ContentLength ?? 0;
        if (!head.IsChunked && _contentRemaining == 0)
        {
            Finish();
        }
    }

    private bool SkipContent(ReadOnlySequence<byte> input)
    {
        long take = Math.Min(_contentRemaining, input.Length);
        _body.AddRange(input.Slice(0, take).ToArray());
        _consumed += take;
        _contentRemaining -= take;
        if (_contentRemaining > 0)
        {
            return false;
        }

        Finish();
        return true;
    }

    private bool DecodeChunks(ReadOnlySequence<byte> input)
    {
        var destination = new byte[destinationSize];
        int written = _decoder!.Decode(input, destination, out var consumed);
        _body.AddRange(destination.AsSpan(0, written).ToArray());
        Advance(input, consumed);
        if (_decoder.IsComplete)
        {
            Finish();
            return true;
        }

        if (written < destination.Length)
        {
            // The decoder's contract: a short read that is not the end means all input was taken.
            Assert.True(input.Slice(consumed).IsEmpty, "decoder left input unconsumed on a short read");
            return false;
        }

        return true;
    }

    private void Finish()
    {
        _completed++;
        _bodies.Add(Convert.ToHexString([.. _body]));
        _body.Clear();
        bool keepAlive = _head!.KeepAlive;
        (_head, _decoder) = (null, null);
        if (!keepAlive)
        {
            _terminal = Terminal.Closed;
        }
    }

    private void Advance(ReadOnlySequence<byte> input, SequencePosition consumed) =>
        _consumed += input.Slice(input.Start, consumed).Length;

    private ReadOnlySequence<byte> Unconsumed()
    {
        var pieces = new List<byte[]>();
        long skip = _consumed;
        foreach (var piece in _arrived)
        {
            if (skip >= piece.Length)
            {
                skip -= piece.Length;
                continue;
            }

            pieces.Add(piece[(int)skip..]);
            skip = 0;
        }

        return Segments.Of([.. pieces]);
    }
}
