using System.Globalization;
using System.Runtime.CompilerServices;

namespace Testbed.Transports.Mock;

/// <summary>
/// The simulation's trace: one line per event — sequence number, virtual time, then the event with logical ids
/// (<c>h3</c>, <c>w7</c>) numbered in order of first appearance. Nothing in it depends on the wall clock,
/// threads, pointers, hash codes or ports, so one seed gives the same bytes in any process.
/// </summary>
public sealed class SimulationTrace
{
    private readonly Func<long> _now;
    private readonly TraceText _text = new();
    private readonly int _maxChars;
    private readonly Dictionary<object, string> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _counters = [];
    private long _sequence;
    private ulong _hash = 14695981039346656037UL;

    internal SimulationTrace(Func<long> nowMicros, bool enabled, int maxChars = DefaultMaxChars)
    {
        Invariant(maxChars >= 1024, "a trace needs room for its header");
        _now = nowMicros;
        Enabled = enabled;
        _maxChars = maxChars;
    }

    /// <summary>The text a trace keeps before it drops its oldest lines (the hash still covers every line).</summary>
    public const int DefaultMaxChars = 64 * 1024 * 1024;

    /// <summary>Event lines dropped from the front to keep the text under its cap.</summary>
    public long Dropped { get; private set; }

    /// <summary>False in benchmarks and sweeps that only need a verdict: events are then not even formatted.</summary>
    public bool Enabled { get; }

    /// <summary>Events recorded so far.</summary>
    public long Count => _sequence;

    /// <summary>FNV-1a over every line, so two runs can be compared without keeping both texts.</summary>
    public ulong Hash => _hash;

    /// <summary>The whole trace, LF line endings.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>The text as it is kept, to be made one string only when someone asks for it.</summary>
    internal TraceText Text => _text;

    /// <summary>A header line (no sequence number or time), such as the seed and the options it chose.</summary>
    public void Header(string line)
    {
        Invariant(_sequence == 0, "trace headers come before the first event");
        if (Enabled)
        {
            var text = "# " + line + "\n";
            Mix(text);
            _text.AppendHeader(text);
        }
    }

    /// <summary>Records one event; the message is formatted only when the trace is enabled.</summary>
    internal void Add([InterpolatedStringHandlerArgument("")] ref TraceLineHandler line)
    {
        if (!Enabled)
        {
            return;
        }

        _sequence++;
        var now = _now();

        // "000123 0.000456 " written digit by digit and the message appended where it was formatted: a string per
        // line and D6 number formatting were most of what a traced event cost.
        Span<char> prefix = stackalloc char[48];
        var length = WriteDigits(prefix, _sequence, 6);
        prefix[length++] = ' ';
        length += WriteDigits(prefix[length..], now / 1_000_000, 1);
        prefix[length++] = '.';
        length += WriteDigits(prefix[length..], now % 1_000_000, 6);
        prefix[length++] = ' ';
        Append(prefix[..length]);
        Append(line.Text);
        Append("\n");
        line.Clear();
        if (_text.Length > _maxChars)
        {
            DropOldestHalf();
        }
    }

    /// <summary>
    /// The logical id of <paramref name="subject"/>: <paramref name="prefix"/> plus its rank among subjects of that
    /// prefix in order of first appearance. Call it inside <see cref="Add"/>'s message, which is not evaluated
    /// when the trace is off.
    /// </summary>
    public string Id(object subject, string prefix)
    {
        if (_ids.TryGetValue(subject, out var id))
        {
            return id;
        }

        _counters.TryGetValue(prefix, out var n);
        _counters[prefix] = ++n;
        id = prefix + n.ToString(CultureInfo.InvariantCulture);
        _ids.Add(subject, id);
        return id;
    }

    /// <summary>Forgets a subject (a closed handle), so the id table stays bounded in long runs.</summary>
    public void Forget(object subject) => _ids.Remove(subject);

    /// <summary>
    /// A run that runs away (millions of events before a liveness bound stops it) must not take the memory with
    /// it: the oldest half of the event lines goes, and a marker says so. The header and the newest lines, where
    /// a violation is, stay.
    /// </summary>
    private void DropOldestHalf()
    {
        // The cut falls after the last line end in the first half of the event lines.
        var cut = _text.EventChars / 2;
        while (cut > 0 && _text.EventCharAt(cut - 1) != '\n')
        {
            cut--;
        }

        for (var i = 0L; i < cut; i++)
        {
            if (_text.EventCharAt(i) == '\n')
            {
                Dropped++;
            }
        }

        _text.RemoveEvents(cut);
        _text.SetMarker($"# ... {Dropped} earlier event lines dropped: a trace keeps at most {_maxChars} characters\n");
    }

    /// <summary>Writes <paramref name="value"/> (never negative here) in decimal, zero-padded to <paramref name="minDigits"/>.</summary>
    private static int WriteDigits(Span<char> destination, long value, int minDigits)
    {
        Invariant(value >= 0, "trace numbers are never negative");
        var digits = 1;
        for (var rest = value / 10; rest > 0; rest /= 10)
        {
            digits++;
        }

        digits = Math.Max(digits, minDigits);
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }

        return digits;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        _text.Append(text);
        Mix(text);
    }

    private void Mix(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            _hash = (_hash ^ c) * 1099511628211UL;
        }
    }

    private static void Invariant(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
