using System.Globalization;

namespace Testbed.Simulator.Sweeps;

/// <summary>An inclusive range of seeds, written <c>FIRST..LAST</c> (or one seed alone).</summary>
public readonly record struct SeedRange(ulong First, ulong Last)
{
    public ulong Count => Last - First + 1;

    public ulong this[ulong index] => First + index;

    public override string ToString() => First == Last ? First.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{First}..{Last}");

    /// <summary>Reads <c>1..10000</c> or <c>42</c>; the error says what is wrong.</summary>
    public static bool TryParse(string text, out SeedRange range, out string error)
    {
        range = default;
        var parts = text.Split("..");
        if (parts.Length is not (1 or 2)
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !ulong.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            error = $"'{text}' is not a seed range such as 1..10000";
            return false;
        }

        if (last < first || last - first >= int.MaxValue)
        {
            error = $"'{text}' is empty or too long";
            return false;
        }

        range = new SeedRange(first, last);
        error = string.Empty;
        return true;
    }
}
