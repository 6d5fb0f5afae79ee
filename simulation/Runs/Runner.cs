using Testbed.Simulator.Faults;
using Testbed.Simulator.Invariants;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Runs;

/// <summary>
/// Turns a <see cref="RunSpec"/> into a <see cref="RunResult"/>: resolves the plan, builds the world with it,
/// writes the spec and the plan as the trace's header, attaches the invariants and the coverage recorder, lets
/// the scenario drive, and turns whatever stopped the run into a named failure.
/// </summary>
public static class Runner
{
    /// <summary>Runs <paramref name="spec"/>. A broken invariant is a failed result, not an exception; a bad spec throws <see cref="ArgumentException"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "A catalog scenario or one of one's own, each with the same optional options: no call is ambiguous, and the pair ships together.")]
    public static RunResult Run(RunSpec spec, RunOptions? options = null) => Run(Resolve(spec), spec, options);

    /// <summary>Runs <paramref name="spec"/> on a scenario of one's own (not in <see cref="ScenarioCatalog"/>), which the spec names.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "A catalog scenario or one of one's own, each with the same optional options: no call is ambiguous, and the pair ships together.")]
    public static RunResult Run(Scenario scenario, RunSpec spec, RunOptions? options = null)
    {
        options ??= new RunOptions();
        CheckKnobs(scenario, spec);
        var choices = options.Choices ?? scenario.DefaultChoices(spec);
        var plan = FaultPlan.Resolve(scenario.Knobs, spec, choices);
        var world = new SimulationOptions { Trace = options.Trace, MaxEventsPerRun = plan.Number(Knobs.MaxEvents), VerifyWriteBuffers = options.VerifyWriteBuffers };
        WorldPlan.Apply(plan, world);
        var simulation = new Simulation(spec.Seed, world, choices);
        simulation.Trace.Header("spec " + spec.ToJson());
        simulation.Trace.Header("plan " + plan);

        var checkers = InvariantCatalog.Create();
        var coverage = new CoverageRecorder();
        var run = new RunContext(spec, plan, simulation, [.. checkers, coverage, .. options.Observers.Select(create => create())]);
        var failure = Drive(scenario, run);
        return new RunResult(
            spec,
            plan,
            failure is null ? null : failure with { TraceTail = Tail(simulation.Trace, options.TraceTail) },
            simulation.EventsRun,
            simulation.NowMicros,
            run.Connections.RequestsStarted,
            coverage.Reached,
            options.Trace ? simulation.Trace.Hash : null,
            options.Trace ? simulation.Trace.Text : null);
    }

    /// <summary>The scenario <paramref name="spec"/> names in the catalog.</summary>
    public static Scenario Resolve(RunSpec spec) => ScenarioCatalog.Find(spec.Scenario)
        ?? throw new ArgumentException($"unknown scenario '{spec.Scenario}' (known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))})");

    private static void CheckKnobs(Scenario scenario, RunSpec spec)
    {
        if (spec.Scenario != scenario.Name)
        {
            throw new ArgumentException($"the spec names scenario '{spec.Scenario}', not '{scenario.Name}'");
        }

        foreach (var name in spec.Settings.Keys)
        {
            if (!scenario.Knobs.Any(k => k.Knob.Name == name))
            {
                throw new ArgumentException($"--{name}: scenario '{scenario.Name}' has no such knob");
            }
        }
    }

    private static RunFailure? Drive(Scenario scenario, RunContext run)
    {
        try
        {
            scenario.Run(run);
            run.End();
            return null;
        }
        catch (InvariantViolation violation)
        {
            return new RunFailure(violation.Invariant, violation.Detail, violation.EventNumber, violation.VirtualMicros, violation.TraceLine, []);
        }
        catch (SimulationException stopped)
        {
            var simulation = run.Simulation;
            return new RunFailure(Classify(stopped), stopped.Message, simulation.EventsRun, simulation.NowMicros, simulation.Trace.Count, []);
        }
        catch (Exception broken)
        {
            // One seed's broken driver must not take a whole sweep down with it: it is that seed's failure.
            var simulation = run.Simulation;
            var where = broken.StackTrace?.Split('\n', 2)[0].Trim() ?? "(no stack)";
            return new RunFailure(InvariantCatalog.DriverError, $"{broken.GetType().Name}: {broken.Message} {where}", simulation.EventsRun, simulation.NowMicros, simulation.Trace.Count, []);
        }
    }

    /// <summary>Names what the world stopped on when no checker did.</summary>
    private static string Classify(SimulationException stopped) => stopped.Failure switch
    {
        SimulationFailure.EventThrew => InvariantCatalog.UnhandledException,
        SimulationFailure.ThreadEscape => InvariantCatalog.ThreadEscape,
        SimulationFailure.NotSettled => Liveness.InvariantName,
        _ => InvariantCatalog.WorldRule,
    };

    private static IReadOnlyList<string> Tail(SimulationTrace trace, int lines)
    {
        if (!trace.Enabled)
        {
            return [];
        }

        var all = trace.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return all[Math.Max(0, all.Length - lines)..];
    }
}
