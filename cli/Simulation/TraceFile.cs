using Testbed.Simulator.Runs;

namespace Testbed.Cli.Simulation;

/// <summary>A trace on disk: written whole, even for a failing run, and read back for the spec in its header.</summary>
internal static class TraceFile
{
    private const string SpecHeader = "# spec ";

    /// <summary>Writes <paramref name="trace"/> to <paramref name="path"/> (stdout for "-"); false with one line on <paramref name="error"/> when it cannot.</summary>
    public static bool TryWrite(string path, string trace, TextWriter output, TextWriter error, string what = "the trace")
    {
        if (path == "-")
        {
            output.Write(trace);
            return true;
        }

        try
        {
            File.WriteAllText(path, trace);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"testbed: cannot write {what} to {path}: {ex.Message}");
            return false;
        }
    }

    /// <summary>The spec in a trace's header and the whole trace; the error names the file and what is wrong.</summary>
    public static bool TryRead(string path, out RunSpec? spec, out string trace, out string error)
    {
        (spec, trace, error) = (null, string.Empty, string.Empty);
        try
        {
            trace = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"--trace: cannot read {path}: {ex.Message}";
            return false;
        }

        var header = trace.Split('\n').TakeWhile(l => l.StartsWith('#')).FirstOrDefault(l => l.StartsWith(SpecHeader, StringComparison.Ordinal));
        if (header is null)
        {
            error = $"--trace: {path} has no '{SpecHeader.Trim()}' header line: it is not a trace of testbed simulate, sweep or replay";
            return false;
        }

        try
        {
            spec = RunSpec.FromJson(header[SpecHeader.Length..]);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            error = $"--trace: {path}: {ex.Message}";
            return false;
        }
    }
}
