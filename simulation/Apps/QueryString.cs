using System.Globalization;

namespace Testbed.Simulator.Apps;

/// <summary>The query parameters of a target (<c>/bytes?n=10&amp;w=3</c>): how a client tells an app what to do, and how the app's oracle reads it back.</summary>
public sealed class QueryString
{
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);

    public QueryString(string targetOrQuery)
    {
        var question = targetOrQuery.IndexOf('?', StringComparison.Ordinal);
        var query = question < 0 ? (targetOrQuery.StartsWith('/') ? string.Empty : targetOrQuery) : targetOrQuery[(question + 1)..];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            _parameters[equals < 0 ? pair : pair[..equals]] = equals < 0 ? string.Empty : pair[(equals + 1)..];
        }
    }

    public int Int(string name, int fallback = 0) =>
        _parameters.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public string? Text(string name) => _parameters.GetValueOrDefault(name);

    /// <summary>Builds <c>path?a=1&amp;b=2</c>, in the order given.</summary>
    public static string Target(string path, params (string Name, object Value)[] parameters) =>
        parameters.Length == 0 ? path
        : path + "?" + string.Join('&', parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Value}")));
}
