using System.Text;
using System.Text.Json;
using Testbed.Simulator.Runs;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Shrinking;

/// <summary>
/// A failing run as a file: its spec, the invariant it breaks, and the choices to force. Replaying it needs
/// nothing else: <c>testbed replay --case FILE</c>, or <see cref="ToXunit"/>'s spec in a test project.
/// </summary>
public sealed record FailureCase(RunSpec Spec, string Invariant, IReadOnlyList<Choice> Choices)
{
    /// <summary>The run, forced from <see cref="Choices"/>.</summary>
    public RunResult Run(RunOptions? options = null)
    {
        var forced = new RunOptions
        {
            Trace = options?.Trace ?? false,
            TraceTail = options?.TraceTail ?? 40,
            Observers = options?.Observers ?? [],
            Choices = new ForcedChoices(Choices),
        };
        return Runner.Run(Spec, forced);
    }

    /// <summary>The case as JSON: the spec and the invariant on their own lines, then one line a choice.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append("{\"spec\":").Append(Spec.ToJson()).Append(",\n \"invariant\":").Append(JsonSerializer.Serialize(Invariant)).Append(",\n \"choices\":[\n");
        var lines = ChoiceLogFile.Format(Choices).TrimEnd('\n').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        text.Append(string.Join(",\n", lines.Select(line => "  " + line)));
        return text.Append("\n]}\n").ToString();
    }

    /// <summary>Reads a case; anything else throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static FailureCase Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var spec = RunSpec.FromJson(root.GetProperty("spec").GetRawText());
            var invariant = root.GetProperty("invariant").GetString() ?? throw new FormatException("\"invariant\" is not a string");
            var choices = ChoiceLogFile.Parse(string.Join('\n', root.GetProperty("choices").EnumerateArray().Select(c => c.GetRawText())));
            return new FailureCase(spec, invariant, choices);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"not a failure case ({{\"spec\", \"invariant\", \"choices\"}}): {ex.Message}", ex);
        }
    }

    /// <summary>An xunit spec that replays the case and fails while the bug is there; paste it into a test class.</summary>
    public string ToXunit(string name) =>
        $$""""
        [Fact]
        public void {{name}}()
        {
            var failure = FailureCase.Parse(
                """
        {{string.Join("\n", Format().TrimEnd('\n').Split('\n').Select(line => "        " + line))}}
                """);

            var result = failure.Run();

            Assert.True(result.Passed, $"{failure.Invariant} still breaks: {result.Failure?.Detail}");
        }
        """";
}
