using System.CommandLine;

namespace Testbed.Cli.Simulation;

/// <summary>A flag naming a file to write (or <c>-</c> for stdout where the command allows it), checked before the run: its directory must exist.</summary>
internal static class OutputFileOption
{
    public static Option<string?> Create(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "FILE" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && path != "-" && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                r.AddError($"{name}: directory not found for {Path.GetFullPath(path)}");
            }
        });
        return option;
    }
}
