using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Testbed.Engine.Infrastructure;

/// <summary>Always-on assertions (TigerBeetle style): a broken invariant is a bug, never a recoverable state.</summary>
public static class Invariant
{
    public static void Assert(
        [DoesNotReturnIf(false)] bool condition,
        [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            throw new InvariantException(expression ?? "invariant");
        }
    }
}

/// <summary>Thrown when an engine invariant does not hold.</summary>
internal sealed class InvariantException(string expression) : Exception($"Invariant failed: {expression}");
