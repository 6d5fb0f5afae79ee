using System.Text;
using System.Text.Json;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Recording;

namespace Testbed.Simulator.Shrinking;

/// <summary>
/// A failing run as a file: its spec, the invariant it breaks, and the choices to force. Replaying it needs
/// nothing else: <c>testbed replay --case FILE</c>, or <see cref="ToXunit"/>'s spec in a test project. A case of a
/// recording's replay also holds the recording (<see cref="Recording"/>), and runs on the scenario made of it and its app.
/// </summary>
public sealed record FailureCase(RunSpec Spec, string Invariant, IReadOnlyList<Choice> Choices)
{
    /// <summary>The recording a <c>recording</c> case replays, kept whole in the case (its file's lines); null for any other scenario.</summary>
    public Recording? Recording { get; init; }

    /// <summary>
    /// The run, forced from <see cref="Choices"/>, on <paramref name="scenario"/> (the spec's scenario in the catalog
    /// when null; a recording's case needs its <see cref="Recordings.RecordingScenario"/>, which holds the app).
    /// </summary>
    public RunResult Run(RunOptions? options = null, Scenario? scenario = null)
    {
        var forced = new RunOptions
        {
            Trace = options?.Trace ?? false,
            TraceTail = options?.TraceTail ?? 40,
            Observers = options?.Observers ?? [],
            Choices = new ForcedChoices(Choices),
        };
        return scenario is null ? Runner.Run(Spec, forced) : Runner.Run(scenario, Spec, forced);
    }

    /// <summary>The case as JSON: the spec and the invariant on their own lines, then one line a choice.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append("{\"spec\":").Append(Spec.ToJson()).Append(",\n \"invariant\":").Append(JsonSerializer.Serialize(Invariant)).Append(",\n \"choices\":[\n");
        var lines = ChoiceLogFile.Format(Choices).TrimEnd('\n').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        text.Append(string.Join(",\n", lines.Select(line => "  " + line)));
        if (Recording is not null)
        {
            var recorded = Recordings.RecordingScenario.Format(Recording).TrimEnd('\n').Split('\n');
            text.Append("\n],\n \"recording\":[\n").Append(string.Join(",\n", recorded.Select(line => "  " + line)));
        }

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
            Recording? recording = null;
            if (root.TryGetProperty("recording", out var lines))
            {
                var joined = string.Join('\n', lines.EnumerateArray().Select(l => l.GetRawText())) + "\n";
                recording = Recording.Read(new MemoryStream(Encoding.UTF8.GetBytes(joined)), "the case's recording");
            }

            return new FailureCase(spec, invariant, choices) { Recording = recording };
        }
        catch (RecordingFormatException ex)
        {
            throw new FormatException($"not a failure case: {ex.Message}", ex);
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

            {{(Recording is null ? "var result = failure.Run();" : "// App: the RequestDelegate the recording was made with (testbed serve's BuiltInRoutes for App=builtin).\n    var result = failure.Run(scenario: new RecordingScenario(failure.Recording!, App));")}}

            Assert.True(result.Passed, $"{failure.Invariant} still breaks: {result.Failure?.Detail}");
        }
        """";
}
