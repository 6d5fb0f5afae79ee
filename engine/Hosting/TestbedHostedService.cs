using Microsoft.Extensions.Hosting;

namespace Testbed.Engine.Hosting;

/// <summary>Runs <see cref="TestbedServer"/> inside the generic host: Ctrl+C and SIGTERM stop it gracefully.</summary>
internal sealed class TestbedHostedService(TestbedServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
}
