using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock.Hosting;

/// <summary>Puts a server registration on a simulation: its MockLibuv, scheduler, virtual clock and trace.</summary>
public static class MockTransportExtensions
{
    public static TestbedServerBuilder UseMockLibuv(this TestbedServerBuilder builder, Simulation simulation)
    {
        builder.Services.TryAddSingleton<ILibuv>(simulation.Libuv);
        builder.Services.TryAddSingleton<IScheduler>(simulation.Scheduler);
        builder.Services.TryAddSingleton<TimeProvider>(simulation.Time);
        builder.Services.TryAddSingleton<IServerEvents>(new TraceServerEvents(simulation));
        return builder;
    }
}
