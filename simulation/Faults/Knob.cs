using System.Globalization;

namespace Testbed.Simulator.Faults;

/// <summary>What a knob's number means, which decides how it is written and read back.</summary>
public enum KnobUnit
{
    /// <summary>A chance per opportunity, held in parts per million; written as a decimal fraction ("0.05"), 0 as "off".</summary>
    Rate,

    /// <summary>A whole number of things (connections, loops).</summary>
    Count,

    /// <summary>A size in bytes; "unlimited" where the limit may be lifted.</summary>
    Bytes,

    /// <summary>Microseconds; 0 as "off".</summary>
    Micros,

    /// <summary>Milliseconds; 0 as "off".</summary>
    Millis,

    /// <summary>Whole seconds.</summary>
    Seconds,
}

/// <summary>
/// One setting of a run: a world option (loops, a buffer limit, a timeout), a fault's intensity, or a trait of
/// the clients and apps. Its value is a whole number (or "unlimited"), so a plan writes and reads back exactly:
/// as a CLI flag <c>--NAME VALUE</c>, as a JSON string, and in the trace header.
/// </summary>
public sealed class Knob
{
    public const long PartsPerMillion = 1_000_000;

    public Knob(string name, KnobUnit unit, string description, long min = 0, long max = long.MaxValue, bool canBeUnlimited = false)
    {
        Name = name;
        Unit = unit;
        Description = description;
        Min = min;
        Max = unit == KnobUnit.Rate ? Math.Min(max, PartsPerMillion) : max;
        CanBeUnlimited = canBeUnlimited;
    }

    /// <summary>The flag and JSON name, such as <c>write-fail</c>.</summary>
    public string Name { get; }

    public KnobUnit Unit { get; }

    public string Description { get; }

    public long Min { get; }

    public long Max { get; }

    /// <summary>Whether the value may be null, written "unlimited".</summary>
    public bool CanBeUnlimited { get; }

    public override string ToString() => Name;

    /// <summary>The value as a flag or JSON value writes it; <see cref="TryParse"/> reads it back to the same value.</summary>
    public string Format(long? value)
    {
        if (value is not { } v)
        {
            return "unlimited";
        }

        return Unit switch
        {
            KnobUnit.Rate when v == 0 => "off",
            KnobUnit.Rate => (v / (decimal)PartsPerMillion).ToString("0.######", CultureInfo.InvariantCulture),
            KnobUnit.Micros or KnobUnit.Millis when v == 0 => "off",
            _ => v.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Reads a value written by <see cref="Format"/> or typed by a user; the error names what is wrong, not the flag.</summary>
    public bool TryParse(string text, out long? value, out string error)
    {
        value = null;
        error = string.Empty;
        text = text.Trim();
        if (text == "unlimited")
        {
            if (CanBeUnlimited)
            {
                return true;
            }

            error = $"'{text}': this limit cannot be lifted";
            return false;
        }

        if (text == "off" && Unit is KnobUnit.Rate or KnobUnit.Micros or KnobUnit.Millis)
        {
            value = 0;
            return Fits(0, text, out error);
        }

        if (Unit == KnobUnit.Rate)
        {
            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) || rate > 1)
            {
                error = $"'{text}' is not a rate between 0 and 1 (or off)";
                return false;
            }

            var ppm = rate * PartsPerMillion;
            if (ppm != decimal.Truncate(ppm))
            {
                error = $"'{text}' has more than 6 decimal places";
                return false;
            }

            value = (long)ppm;
            return Fits(value.Value, text, out error);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a whole number{(CanBeUnlimited ? " (or unlimited)" : string.Empty)}";
            return false;
        }

        value = number;
        return Fits(number, text, out error);
    }

    private bool Fits(long value, string text, out string error)
    {
        var range = Unit == KnobUnit.Rate ? $"{Min / (decimal)PartsPerMillion:0.######}..{Max / (decimal)PartsPerMillion:0.######}" : $"{Min}..{Max}";
        error = value < Min || value > Max ? $"'{text}' is outside {range}" : string.Empty;
        return error.Length == 0;
    }
}
