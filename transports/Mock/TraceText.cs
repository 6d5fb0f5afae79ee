namespace Testbed.Transports.Mock;

/// <summary>
/// A trace's text as it is written: the header lines, the marker for dropped lines, and the event lines in
/// chunks of <see cref="ChunkChars"/> characters. Nothing of it is one string until <see cref="ToString"/> is
/// asked for: a traced run's text is about a megabyte, and one string of it per run, on the large object heap,
/// brought a gen2 collection every few runs. It holds no reference to the simulation that wrote it.
/// </summary>
internal sealed class TraceText
{
    /// <summary>Small enough to stay off the large object heap (85,000 bytes).</summary>
    internal const int ChunkChars = 16 * 1024;

    private readonly List<char[]> _chunks = [];
    private string _header = string.Empty;
    private string _marker = string.Empty;
    private int _first;
    private int _lastUsed = ChunkChars;
    private string? _text;

    /// <summary>The characters of the event lines, without the header and the marker.</summary>
    internal long EventChars { get; private set; }

    /// <summary>The characters of the whole text.</summary>
    internal long Length => _header.Length + _marker.Length + EventChars;

    internal void AppendHeader(string line)
    {
        _text = null;
        _header += line;
    }

    internal void SetMarker(string marker)
    {
        _text = null;
        _marker = marker;
    }

    internal void Append(ReadOnlySpan<char> text)
    {
        _text = null;
        EventChars += text.Length;
        while (!text.IsEmpty)
        {
            if (_lastUsed == ChunkChars)
            {
                _chunks.Add(new char[ChunkChars]);
                _lastUsed = 0;
            }

            var n = Math.Min(text.Length, ChunkChars - _lastUsed);
            text[..n].CopyTo(_chunks[^1].AsSpan(_lastUsed));
            _lastUsed += n;
            text = text[n..];
        }
    }

    /// <summary>The event character at <paramref name="index"/> (from the first event line kept).</summary>
    internal char EventCharAt(long index)
    {
        var at = _first + index;
        return _chunks[(int)(at / ChunkChars)][at % ChunkChars];
    }

    /// <summary>Drops the first <paramref name="count"/> characters of the event lines.</summary>
    internal void RemoveEvents(long count)
    {
        _text = null;
        EventChars -= count;
        var at = _first + count;
        var whole = (int)(at / ChunkChars);
        if (whole >= _chunks.Count)
        {
            // Everything went, up to the end of the last chunk: start a fresh one on the next append.
            _chunks.Clear();
            _first = 0;
            _lastUsed = ChunkChars;
            return;
        }

        _chunks.RemoveRange(0, whole);
        _first = (int)(at % ChunkChars);
    }

    /// <summary>The whole text, LF line endings; built once and kept until the next append.</summary>
    public override string ToString() => _text ??= Build();

    private string Build() => string.Create(checked((int)Length), this, static (destination, self) =>
    {
        self._header.CopyTo(destination);
        var at = self._header.Length;
        self._marker.CopyTo(destination[at..]);
        at += self._marker.Length;
        var left = self.EventChars;
        var offset = self._first;
        foreach (var chunk in self._chunks)
        {
            var n = (int)Math.Min(left, ChunkChars - offset);
            chunk.AsSpan(offset, n).CopyTo(destination[at..]);
            at += n;
            left -= n;
            offset = 0;
        }
    });
}
