using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Clients;

/// <summary>
/// Sizes with a bias to the boundaries where bugs live: half the draws land on a limit of the run (0, 1, the
/// pool block, a read, the response budget, the request buffer, the body limit) or one byte either side of it,
/// the rest spread over every order of magnitude up to the cap.
/// </summary>
public sealed class Sizes
{
    private readonly long[] _limits;

    public Sizes(IEnumerable<long> limits, int cap)
    {
        Cap = cap;
        _limits = [.. limits.Where(l => l >= 0 && l <= cap + 1L).Distinct().Order()];
    }

    /// <summary>The largest size drawn.</summary>
    public int Cap { get; }

    /// <summary>A size in [0, min(<paramref name="cap"/>, <see cref="Cap"/>)]; 0 is the simplest.</summary>
    public int Draw(ChoiceStream stream, string decision, int? cap = null)
    {
        var top = Math.Min(cap ?? Cap, Cap);
        if (top <= 0)
        {
            return 0;
        }

        if (_limits.Length > 0 && stream.Chance(decision + ".edge", 0.5))
        {
            var limit = stream.Pick(decision + ".limit", _limits);
            return (int)Math.Clamp(limit + stream.Choose(decision + ".side", 3) - 1, 0, top);
        }

        // Log-uniform: first the number of bits, then a value with at most that many.
        var bits = stream.Choose(decision + ".bits", 64 - long.LeadingZeroCount(top) + 1);
        return (int)Math.Min(top, stream.Choose(decision + ".value", 1L << (int)bits));
    }
}
