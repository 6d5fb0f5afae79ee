namespace Testbed.Simulator.Clients;

/// <summary>
/// The names of the draws that give a client's stream its shape, which a shrinker reads it by to take one request
/// out as a unit (<see cref="Shrinking.Shrinker"/>): the request count comes first, each request's draws begin with
/// its app's, the script's ending begins with the half-close or stay-open draw, and a disruption names the index
/// of the request it falls in. Rename one here and both sides follow.
/// </summary>
internal static class ClientDecisions
{
    public const string Requests = "requests";

    public const string AppFault = "app-fault";

    public const string Slow = "slow";

    public const string App = "app";

    public const string HalfClose = "half-close";

    public const string StayOpen = "stay-open";

    public const string Exchange = "disrupt.exchange";

    /// <summary>The draws a request begins with: its app's (<see cref="ScriptGenerator"/>'s DrawApp).</summary>
    public static bool BeginsARequest(string decision) => decision is AppFault or Slow or App;

    /// <summary>The draws the script's ending begins with, after the last request's.</summary>
    public static bool BeginsTheEnding(string decision) => decision is HalfClose or StayOpen;
}
