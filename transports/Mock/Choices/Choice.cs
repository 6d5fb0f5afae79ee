namespace Testbed.Transports.Mock.Choices;

/// <summary>
/// One choice a run drew: on which stream, for which decision, the value, and the bound it was drawn under
/// (the value is in [0, <see cref="Bound"/>)). A run's choices in draw order are its choice log: replayed as
/// forced choices they give the same run, and a shrinker edits them to find a smaller one.
/// </summary>
public sealed record Choice(string Stream, string Decision, long Value, long Bound);
