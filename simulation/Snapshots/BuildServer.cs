namespace Testbed.Simulator.Snapshots;

/// <summary>
/// Whether this process runs on a build server, where a snapshot must never be accepted: <c>CI</c> set to
/// anything but <c>false</c> or <c>0</c>, or a variable one of the common build servers sets. Verify's
/// DiffEngine does not look at plain <c>CI</c>, which is what most runners and containers set.
/// </summary>
public static class BuildServer
{
    private static readonly string[] Markers =
    [
        "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TEAMCITY_VERSION", "BUILDKITE", "CIRCLECI",
        "TRAVIS", "APPVEYOR", "BITBUCKET_BUILD_NUMBER", "CODEBUILD_BUILD_ID", "DRONE", "BUILD_ID",
    ];

    public static bool Detected(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return environment("CI") is { Length: > 0 } ci ? ci is not ("false" or "0" or "False" or "FALSE")
            : Markers.Any(name => !string.IsNullOrEmpty(environment(name)));
    }
}
