using System.Collections;

namespace Testbed.Engine.Http;

/// <summary>
/// An ordered list of header fields with case-insensitive lookup. Request and response headers both use it;
/// field order is kept because it is observable on the wire.
/// </summary>
public sealed class HeaderCollection : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

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

    public bool Remove(string name) =>
        _fields.RemoveAll(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) > 0;

    public void Clear() => _fields.Clear();

    /// <summary>A struct enumerator, so a foreach over the headers allocates nothing.</summary>
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _fields.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

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
