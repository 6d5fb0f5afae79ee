using System.CommandLine;

namespace Testbed.Cli.Simulation;

/// <summary><c>--trace FILE</c> (or another output file flag), checked before the run: its directory must exist.</summary>
internal static class TraceOption
{
    public static Option<string?> Create(string description) => Create("--trace", description);

    /// <summary>An output file flag named <paramref name="name"/>, with the same check.</summary>
    public static Option<string?> Create(string name, string description)
    {
        var trace = new Option<string?>(name) { Description = description, HelpName = "FILE" };
        trace.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && path != "-" && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                r.AddError($"{name}: directory not found for {Path.GetFullPath(path)}");
            }
        });
        return trace;
    }
}
