using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Testbed.Engine.App;

namespace Testbed.Engine.Hosting;

/// <summary>Registers the server: <c>services.AddTestbedServer(o => ...).UseApplication(app).UseNativeLibuv()</c>.</summary>
public static class TestbedServiceCollectionExtensions
{
    /// <summary>
    /// Adds the server and its hosted service. A transport (<c>UseNativeLibuv</c>, later <c>UseMockLibuv</c>)
    /// supplies ILibuv, IScheduler and TimeProvider; the engine itself never picks a clock or a thread.
    /// </summary>
    public static TestbedServerBuilder AddTestbedServer(this IServiceCollection services, Action<TestbedServerOptions>? configure = null)
    {
        var options = services.AddOptions<TestbedServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<TestbedServer>();
        services.AddHostedService<TestbedHostedService>();
        return new TestbedServerBuilder(services);
    }
}

/// <summary>Chains the choices that complete a server registration.</summary>
public sealed class TestbedServerBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>The application every request is handed to.</summary>
    public TestbedServerBuilder UseApplication(RequestDelegate application)
    {
        Services.AddSingleton(application);
        return this;
    }
}
