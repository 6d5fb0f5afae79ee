using System.CommandLine;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Cli.Simulation;

/// <summary>
/// <c>--choices FILE</c> (take the run's choices from a choice log instead of its seed) and
/// <c>--record-choices FILE</c> (write every choice the run drew), checked before the run.
/// </summary>
internal sealed class ChoiceOptions
{
    private readonly Option<FileInfo?> _forced = InputFileOption.Create("--choices", "Take the run's choices from FILE, a choice log, instead of the seed; past its end every choice is the simplest");

    private readonly Option<string?> _record = OutputFileOption.Create("--record-choices", "Write every choice the run drew to FILE, one JSON line each, in draw order");

    public void AddTo(Command command)
    {
        command.Options.Add(_forced);
        command.Options.Add(_record);
    }

    public string? RecordPath(ParseResult parsed) => parsed.GetValue(_record);

    /// <summary>The run's choice source: the seed's, or the forced log's; null with <paramref name="problem"/> set when the log is bad.</summary>
    public IChoiceSource? Source(ParseResult parsed, ulong seed, out string? problem)
    {
        problem = null;
        if (parsed.GetValue(_forced) is not { } file)
        {
            return new SeededChoices(seed);
        }

        try
        {
            return new ForcedChoices(ChoiceLogFile.Parse(File.ReadAllText(file.FullName)));
        }
        catch (FormatException ex)
        {
            problem = $"--choices {file.FullName}: {ex.Message}";
            return null;
        }
    }
}
