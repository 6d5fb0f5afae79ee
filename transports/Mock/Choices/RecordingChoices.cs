namespace Testbed.Transports.Mock.Choices;

/// <summary>Passes another source's choices through and keeps every one, in the order the run drew them.</summary>
public sealed class RecordingChoices(IChoiceSource inner) : IChoiceSource
{
    private readonly List<Choice> _log = [];

    /// <summary>Every choice drawn so far, in draw order across all streams.</summary>
    public IReadOnlyList<Choice> Log => _log;

    public IChoiceSequence Open(string stream) => new Sequence(stream, inner.Open(stream), _log);

    private sealed class Sequence(string stream, IChoiceSequence inner, List<Choice> log) : IChoiceSequence
    {
        public long Next(string decision, long exclusiveMax)
        {
            var value = inner.Next(decision, exclusiveMax);
            log.Add(new Choice(stream, decision, value, exclusiveMax));
            return value;
        }
    }
}
