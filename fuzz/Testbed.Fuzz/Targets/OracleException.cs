namespace Testbed.Fuzz.Targets;

/// <summary>An oracle of a fuzz target failed: the engine gave an answer that cannot be right. AFL counts it as a crash.</summary>
internal sealed class OracleException(string message) : Exception(message)
{
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new OracleException(message);
        }
    }

    public static void Same<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new OracleException($"{what}:\n  expected {expected}\n  actual   {actual}");
        }
    }
}
