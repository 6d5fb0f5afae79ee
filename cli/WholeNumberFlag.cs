using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Testbed.Cli;

/// <summary>Parsing for flags that take a whole number in a range, with errors that name the flag.</summary>
internal static class WholeNumberFlag
{
    /// <summary>
    /// Converts and range-checks in one step. A validator cannot do the range check: validators run even when
    /// the conversion failed, and reading the value there throws instead of reporting "abc" as a usage error
    /// (dotnet/command-line-api#2645).
    /// </summary>
    public static T? Parse<T>(ArgumentResult result, string flag, T min, T max)
        where T : struct, IBinaryInteger<T>
    {
        if (result.Tokens is not [var token])
        {
            return null; // No value: the arity check reports it.
        }

        if (!T.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{flag}: '{token.Value}' is not a whole number between {min} and {max}");
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError($"{flag} must be between {min} and {max}");
            return null;
        }

        return value;
    }
}
