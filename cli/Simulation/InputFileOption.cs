using System.CommandLine;

namespace Testbed.Cli.Simulation;

/// <summary>A flag naming a file to read, checked before the run: one line naming the flag when the file is not there.</summary>
internal static class InputFileOption
{
    public static Option<FileInfo?> Create(string name, string description)
    {
        var option = new Option<FileInfo?>(name) { Description = description, HelpName = "FILE" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<FileInfo?>() is { Exists: false } file)
            {
                r.AddError($"{name}: file not found: {file.FullName}");
            }
        });
        return option;
    }
}
