namespace Testbed.Transports.Mock.Choices;

/// <summary>
/// Choices taken from a log instead of a seed (Hypothesis's forced choice sequence). Each stream replays its own
/// choices in order, whatever the other streams do, so editing one stream's choices leaves the rest in place.
/// Past the end of a stream's choices every choice is 0, the simplest; a value at or over the bound it is drawn
/// under now (an edit upstream changed it) is clamped to the largest the bound allows. Decision names are not
/// matched: a shrunk log is replayed for its values, in whatever places they now fall.
/// </summary>
public sealed class ForcedChoices : IChoiceSource
{
    private readonly Dictionary<string, long[]> _byStream;

    public ForcedChoices(IEnumerable<Choice> log)
    {
        _byStream = log.GroupBy(c => c.Stream, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Value).ToArray(), StringComparer.Ordinal);
        Simulation.Check(_byStream.Values.All(values => values.All(v => v >= 0)), "a forced choice is never negative");
    }

    public IChoiceSequence Open(string stream) => new Sequence(_byStream.GetValueOrDefault(stream) ?? []);

    private sealed class Sequence(long[] values) : IChoiceSequence
    {
        private int _next;

        public long Next(string decision, long exclusiveMax)
        {
            Simulation.Check(exclusiveMax > 1, "a choice is drawn only between two or more values");
            var value = _next < values.Length ? values[_next] : 0;
            _next++;
            return Math.Min(value, exclusiveMax - 1);
        }
    }
}
