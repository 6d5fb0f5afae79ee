using System.Globalization;
using System.Text.Json;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Runs;

/// <summary>
/// A run's choice log as a file: one JSON object a line, in draw order
/// (<c>{"stream":"net.k1","decision":"net.latency","value":143,"bound":181}</c>), so it diffs line by line and a
/// shrunk log reads like the run it replays.
/// </summary>
public static class ChoiceLogFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string Format(IEnumerable<Choice> log) =>
        string.Concat(log.Select(choice => JsonSerializer.Serialize(choice, Json) + "\n"));

    /// <summary>Reads a log; a line that is not a choice throws <see cref="FormatException"/> naming its number.</summary>
    public static IReadOnlyList<Choice> Parse(string text)
    {
        var log = new List<Choice>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            Choice? choice;
            try
            {
                choice = JsonSerializer.Deserialize<Choice>(lines[i], Json);
            }
            catch (JsonException)
            {
                choice = null;
            }

            if (choice is not { Stream: not null, Decision: not null } || choice.Value < 0 || choice.Bound < 2 || choice.Value >= choice.Bound)
            {
                throw new FormatException($"line {(i + 1).ToString(CultureInfo.InvariantCulture)} is not a choice {{\"stream\",\"decision\",\"value\",\"bound\"}} with 0 <= value < bound");
            }

            log.Add(choice);
        }

        return log;
    }
}
