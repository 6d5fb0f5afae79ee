using Testbed.Engine.Infrastructure;
using Testbed.Simulator.Clients;

namespace Testbed.Specs.Simulator;

/// <summary>Client scripts written out by hand, for specs that need one exact exchange.</summary>
internal static class Scripts
{
    /// <summary>One request, its response owed as the oracle says, then a close.</summary>
    public static ClientScript One(RequestPlan request, ServerLimits? limits = null)
    {
        limits ??= new ServerLimits();
        request.Encode(limits);
        return new ClientScript([new ScriptStep(request, ResponseOracle.Expect(request, limits))], ClientEnding.Close, null, 0);
    }
}
