using Testbed.Cli.Routes;
using Testbed.Engine.App;
using Testbed.Simulator.Recordings;
using Testbed.Simulator.Scenarios;
using Testbed.Simulator.Shrinking;
using Testbed.Transports.Recording;

namespace Testbed.Cli.Simulation;

/// <summary>
/// The apps a recording's replay can run from the command line: <c>App=builtin</c> (or none named) is
/// <c>testbed serve</c>'s <see cref="BuiltInRoutes"/>, with static files from <c>Root</c> when it is set. Any other
/// app is replayed from code, with <see cref="RecordingScenario"/> and one's own delegate.
/// </summary>
internal static class RecordingApps
{
    public const string BuiltIn = "builtin";

    /// <summary>The replay of <paramref name="recording"/> on its app; <see cref="RecordingReplayException"/> when it cannot be.</summary>
    public static RecordingScenario Scenario(Recording recording) => new(recording, App(ReplaySettings.Of(recording.Header)));

    /// <summary>The scenario of a case: a recording's replay for a recording's case, otherwise null (the catalog's).</summary>
    public static Scenario? ForCase(FailureCase failure) => failure.Recording is { } recording ? Scenario(recording) : null;

    private static RequestDelegate App(ReplaySettings settings)
    {
        if (settings.App is not (null or BuiltIn))
        {
            throw new RecordingReplayException($"the recording's app is '{settings.App}', and this command knows only '{BuiltIn}' (testbed serve's routes); replay another app from code with RecordingScenario");
        }

        return new BuiltInRoutes(settings.Root is { } root ? new StaticFiles(root) : null).HandleAsync;
    }
}
