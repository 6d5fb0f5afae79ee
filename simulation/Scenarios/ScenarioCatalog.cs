namespace Testbed.Simulator.Scenarios;

/// <summary>The scenarios <c>--scenario</c> knows, the default first.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<Scenario> All { get; } = [new HttpScenario(), new KeepAliveScenario()];

    /// <summary>The scenario a sweep runs when none is named.</summary>
    public static Scenario Default => All[0];

    public static Scenario? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
