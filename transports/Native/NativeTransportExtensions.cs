using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Transports.Native;

/// <summary>Puts the server on real libuv, the thread pool and the system clock.</summary>
public static class NativeTransportExtensions
{
    public static TestbedServerBuilder UseNativeLibuv(this TestbedServerBuilder builder)
    {
        builder.Services.TryAddSingleton<ILibuv, NativeLibuv>();
        builder.Services.TryAddSingleton<IScheduler, ThreadPoolScheduler>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
