using Testbed.Simulator.Shrinking;

namespace Testbed.Cli.Simulation;

/// <summary>Reads and writes failure cases, with errors that name the file.</summary>
internal static class CaseFile
{
    public static bool TryRead(string path, out FailureCase? failure, out string problem)
    {
        (failure, problem) = (null, string.Empty);
        try
        {
            failure = FailureCase.Parse(File.ReadAllText(path));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            problem = $"--case {path}: {ex.Message}";
            return false;
        }
    }
}
