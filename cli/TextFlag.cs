using System.CommandLine.Parsing;

namespace Testbed.Cli;

/// <summary>Parsing for flags whose value type reads itself from text and says what is wrong (a seed range, a shard).</summary>
internal static class TextFlag
{
    public delegate bool TryParse<T>(string text, out T value, out string problem);

    /// <summary>Converts in one step, the error naming the flag; null with no value, which the arity check reports.</summary>
    public static T? Parse<T>(ArgumentResult result, string flag, TryParse<T> tryParse)
        where T : struct
    {
        if (result.Tokens is not [var token])
        {
            return null;
        }

        if (tryParse(token.Value, out var value, out var problem))
        {
            return value;
        }

        result.AddError($"{flag}: {problem}");
        return null;
    }
}
