using System.CommandLine;

namespace Testbed.Cli.Simulation;

/// <summary><c>--trace FILE</c> for output, checked before the run: its directory must exist.</summary>
internal static class TraceOption
{
    public static Option<string?> Create(string description)
    {
        var trace = new Option<string?>("--trace") { Description = description, HelpName = "FILE" };
        trace.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && path != "-" && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                r.AddError($"--trace: directory not found for {Path.GetFullPath(path)}");
            }
        });
        return trace;
    }
}
