using Testbed.Engine.Hosting;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock;

namespace Testbed.Simulator.Faults;

/// <summary>Puts a plan's world knobs into effect: the mock's faults and the server's options, for each knob the plan uses.</summary>
public static class WorldPlan
{
    /// <summary>The statuses an injected write failure completes with.</summary>
    public static readonly IReadOnlyList<int> WriteFailureStatuses = [UvStatus.ECONNRESET, UvStatus.EPIPE, UvStatus.ECANCELED];

    public static void Apply(FaultPlan plan, WorldFaults faults)
    {
        Set(plan, Knobs.WriteDelay, v => faults.WriteDelayChance = v);
        Set(plan, Knobs.WriteHold, v => faults.WriteHoldChance = v);
        Set(plan, Knobs.WriteFail, v => faults.WriteFailureChance = v);
        Set(plan, Knobs.Fragment, v => faults.FragmentChance = v);
        Set(plan, Knobs.Coalesce, v => faults.CoalesceChance = v);
        Set(plan, Knobs.ZeroRead, v => faults.ZeroReadChance = v);
        Set(plan, Knobs.AcceptError, v => faults.AcceptErrorChance = v);
        Set(plan, Knobs.LateTimer, v => faults.LateTimerChance = v);
        faults.WriteFailureStatuses = WriteFailureStatuses;
        if (plan.Uses(Knobs.Jitter))
        {
            faults.SchedulerJitter = plan.Number(Knobs.Jitter);
        }
    }

    public static void Apply(FaultPlan plan, TestbedServerOptions options)
    {
        var limits = options.Limits;
        if (plan.Uses(Knobs.Loops))
        {
            options.ThreadCount = plan.Count(Knobs.Loops);
        }

        if (plan.Uses(Knobs.ResponseBuffer))
        {
            limits.MaxResponseBufferSize = plan.Value(Knobs.ResponseBuffer);
        }

        if (plan.Uses(Knobs.RequestBuffer))
        {
            limits.MaxRequestBufferSize = plan.Value(Knobs.RequestBuffer);
        }

        if (plan.Uses(Knobs.RequestLine))
        {
            limits.MaxRequestLineSize = plan.Count(Knobs.RequestLine);
        }

        if (plan.Uses(Knobs.HeaderBytes))
        {
            limits.MaxRequestHeadersTotalSize = plan.Count(Knobs.HeaderBytes);
        }

        if (plan.Uses(Knobs.BodyLimit))
        {
            limits.MaxRequestBodySize = plan.Value(Knobs.BodyLimit);
        }

        if (plan.Uses(Knobs.KeepAliveTimeout))
        {
            limits.KeepAliveTimeout = plan.Seconds(Knobs.KeepAliveTimeout);
        }

        if (plan.Uses(Knobs.HeadersTimeout))
        {
            limits.RequestHeadersTimeout = plan.Seconds(Knobs.HeadersTimeout);
        }
    }

    private static void Set(FaultPlan plan, Knob rate, Action<double> set)
    {
        if (plan.Uses(rate))
        {
            set(plan.Chance(rate));
        }
    }
}
