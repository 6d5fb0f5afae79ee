using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Shrinking;

/// <summary>
/// Choices taken from a log by decision name rather than by position: a shrinker's second way to read an edited
/// log. Each stream answers a draw with the next of its choices that has the same decision name, looking through
/// its next <see cref="LookAhead"/> choices; the choices it skips are dropped, and a draw it finds no match for
/// gets 0 and skips nothing. Turning a knob off takes its draws out of other streams (no <c>http10</c>
/// in any request once HTTP/1.0 is off, no <c>write.hold</c> on a write once holds are), and read by position
/// every later choice of those streams would then land one place early; read by name, each keeps its own.
/// The look-ahead is short so that a draw new to the run (a lowered method that now asks about a body) cannot
/// jump a whole request ahead to a choice of the same name. Only candidates are read this way: what the run drew
/// is recorded and kept, and replays by position as every log does.
/// </summary>
internal sealed class AlignedChoices(IEnumerable<Choice> log) : IChoiceSource
{
    /// <summary>How many of its next choices a stream looks through for a draw's name: a knob's draws at one place are a few.</summary>
    public const int LookAhead = 8;

    private readonly Dictionary<string, Choice[]> _byStream = log.GroupBy(c => c.Stream, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    public IChoiceSequence Open(string stream) => new Sequence(_byStream.GetValueOrDefault(stream) ?? []);

    private sealed class Sequence(Choice[] choices) : IChoiceSequence
    {
        private int _next;

        public long Next(string decision, long exclusiveMax)
        {
            for (var i = _next; i < choices.Length && i < _next + LookAhead; i++)
            {
                if (choices[i].Decision == decision)
                {
                    _next = i + 1;
                    return Math.Min(choices[i].Value, exclusiveMax - 1);
                }
            }

            return 0;
        }
    }
}
