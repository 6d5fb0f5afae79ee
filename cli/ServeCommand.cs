using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Testbed.Cli.Routes;
using Testbed.Engine.Hosting;
using Testbed.Transports.Native;

namespace Testbed.Cli;

/// <summary><c>testbed serve [--port 5000] [--threads N] [--root DIR]</c>: the server on real libuv.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "TCP port to listen on (default 5000; 0 picks a free port)" };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535");
            }
        });
        var threads = new Option<int?>("--threads") { Description = "Loop threads (default: the core count)" };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 256)
            {
                r.AddError("--threads must be between 1 and 256");
            }
        });
        var root = new Option<DirectoryInfo?>("--root") { Description = "Serve static files from this directory" };
        root.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo?>() is { Exists: false } dir)
            {
                r.AddError($"--root: directory not found: {dir.FullName}");
            }
        });

        var command = new Command("serve", "Run the HTTP/1.1 server on native libuv until Ctrl+C or SIGTERM") { port, threads, root };
        command.SetAction((result, cancellationToken) => RunAsync(
            new ServeSettings(result.GetValue(port), result.GetValue(threads), result.GetValue(root)?.FullName),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ServeSettings flags, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var settings = flags.Over(builder.Configuration.GetSection("Testbed"));
        var routes = new BuiltInRoutes(settings.Root is null ? null : new StaticFiles(settings.Root));
        builder.Services
            .AddTestbedServer(o =>
            {
                o.EndPoint = new IPEndPoint(settings.Address, settings.Port);
                o.ThreadCount = settings.Threads;
            })
            .UseApplication(routes.HandleAsync)
            .UseNativeLibuv();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }
}
