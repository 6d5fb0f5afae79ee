using System.Collections;
using System.Text;
using Testbed.Engine.Http.Parsing;

namespace Testbed.Engine.Http;

/// <summary>
/// An ordered list of header fields with case-insensitive lookup. Request and response headers both use it;
/// field order is kept because it is observable on the wire.
/// </summary>
public sealed class HeaderCollection : IEnumerable<KeyValuePair<string, string>>
{
    private List<KeyValuePair<string, string>> _fields = [];

    /// <summary>A request's fields as the last request on the connection had them, while the next one is parsed.</summary>
    private List<KeyValuePair<string, string>>? _previous;

    public int Count => _fields.Count;

    /// <summary>All values of <paramref name="name"/> joined with ", " (RFC 9110 §5.3), or null when absent.</summary>
    public string? this[string name]
    {
        get
        {
            string? joined = null;
            foreach (var field in _fields)
            {
                if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    joined = joined is null ? field.Value : joined + ", " + field.Value;
                }
            }

            return joined;
        }
        set
        {
            Remove(name);
            if (value is not null)
            {
                _fields.Add(new(name, value));
            }
        }
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Each field line with this name, in order.</summary>
    public IEnumerable<string> GetValues(string name)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return field.Value;
            }
        }
    }

    /// <summary>Adds a field line, keeping any existing ones of the same name.</summary>
    public void Append(string name, string value) => _fields.Add(new(name, value));

    public bool Remove(string name)
    {
        var removed = false;
        for (var i = _fields.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_fields[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                _fields.RemoveAt(i);
                removed = true;
            }
        }

        return removed;
    }

    public void Clear() => _fields.Clear();

    /// <summary>A struct enumerator, so a foreach over the headers allocates nothing.</summary>
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _fields.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The parser is about to fill the collection with the next request's fields; the current ones are kept to compare.</summary>
    internal void StartParsed()
    {
        (_fields, _previous) = (_previous ?? [], _fields);
        _fields.Clear();
    }

    /// <summary>
    /// Adds a parsed field line. When the previous request had the same bytes at the same position, its strings
    /// are reused (Kestrel does the same), so a client that repeats its headers costs no strings.
    /// </summary>
    internal void AppendParsed(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var index = _fields.Count;
        if (_previous is { } previous && index < previous.Count
            && Ascii.Equals(name, previous[index].Key) && Ascii.Equals(value, previous[index].Value))
        {
            _fields.Add(previous[index]);
            return;
        }

        _fields.Add(new(KnownStrings.FieldName(name), HttpCharacters.ToLatin1String(value)));
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if (string.Equals(_fields[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
