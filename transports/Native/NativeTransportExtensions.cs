using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Transports.Recording;

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

    /// <summary>
    /// Records what every connection read and wrote, and when, to <see cref="RecordingOptions.Path"/>
    /// (docs/record-replay.md), with <see cref="UseNativeLibuv"/>. The file is opened when the server starts
    /// and completed (footer written, flushed, closed) when the host has stopped or the container is disposed.
    /// </summary>
    public static TestbedServerBuilder RecordTo(this TestbedServerBuilder builder, RecordingOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton(services => new NativeRecorder(options, services.GetRequiredService<IOptions<TestbedServerOptions>>()));
        builder.Services.AddHostedService<RecordingLifetime>();
        return builder;
    }
}
