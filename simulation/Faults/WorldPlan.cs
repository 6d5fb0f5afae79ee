using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Mock;

namespace Testbed.Simulator.Faults;

/// <summary>Puts a plan's world knobs into effect: the mock's faults and the server's options, for each knob the plan uses.</summary>
internal static class WorldPlan
{
    /// <summary>The statuses an injected write failure completes with.</summary>
    public static readonly IReadOnlyList<int> WriteFailureStatuses = [UvStatus.ECONNRESET, UvStatus.EPIPE, UvStatus.ECANCELED];

    public static void Apply(FaultPlan plan, SimulationOptions world)
    {
        var faults = world.Faults;
        Set(plan, Knobs.SocketLimit, plan.Value, v => world.SocketLimit = (int?)v);
        Set(plan, Knobs.WriteDelay, plan.Chance, v => faults.WriteDelayChance = v);
        Set(plan, Knobs.WriteHold, plan.Chance, v => faults.WriteHoldChance = v);
        Set(plan, Knobs.WriteFail, plan.Chance, v => faults.WriteFailureChance = v);
        Set(plan, Knobs.Fragment, plan.Chance, v => faults.FragmentChance = v);
        Set(plan, Knobs.Coalesce, plan.Chance, v => faults.CoalesceChance = v);
        Set(plan, Knobs.ZeroRead, plan.Chance, v => faults.ZeroReadChance = v);
        Set(plan, Knobs.AcceptError, plan.Chance, v => faults.AcceptErrorChance = v);
        Set(plan, Knobs.LateTimer, plan.Chance, v => faults.LateTimerChance = v);
        Set(plan, Knobs.Jitter, plan.Number, v => faults.SchedulerJitter = v);
        faults.WriteFailureStatuses = WriteFailureStatuses;
    }

    public static void Apply(FaultPlan plan, TestbedServerOptions options)
    {
        var limits = options.Limits;
        Set(plan, Knobs.Loops, plan.Count, v => options.ThreadCount = v);
        Set(plan, Knobs.ResponseBuffer, plan.Value, v => limits.MaxResponseBufferSize = v);
        Set(plan, Knobs.RequestBuffer, plan.Value, v => limits.MaxRequestBufferSize = v);
        Set(plan, Knobs.RequestLine, plan.Count, v => limits.MaxRequestLineSize = v);
        Set(plan, Knobs.HeaderBytes, plan.Count, v => limits.MaxRequestHeadersTotalSize = v);
        Set(plan, Knobs.BodyLimit, plan.Value, v => limits.MaxRequestBodySize = v);
        Set(plan, Knobs.KeepAliveTimeout, plan.Seconds, v => limits.KeepAliveTimeout = v);
        Set(plan, Knobs.HeadersTimeout, plan.Seconds, v => limits.RequestHeadersTimeout = v);
        Set(plan, Knobs.MaxConnections, plan.Value, v => limits.MaxConcurrentConnections = v);
        var grace = plan.Uses(Knobs.RateGrace) ? plan.Seconds(Knobs.RateGrace) : TimeSpan.FromSeconds(5);
        Set(plan, Knobs.ResponseRate, plan.Count, v => limits.MinResponseDataRate = v == 0 ? null : new MinDataRate(v, grace));
        Set(plan, Knobs.BodyRate, plan.Count, v => limits.MinRequestBodyDataRate = v == 0 ? null : new MinDataRate(v, grace));
    }

    /// <summary>Sets what <paramref name="knob"/> controls, read as <paramref name="read"/> says, when the plan's scenario uses it.</summary>
    private static void Set<T>(FaultPlan plan, Knob knob, Func<Knob, T> read, Action<T> set)
    {
        if (plan.Uses(knob))
        {
            set(read(knob));
        }
    }
}
