using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using System.CommandLine.Parsing;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Testbed.Engine.Networking;
using Testbed.Cli.Routes;
using Testbed.Engine.Hosting;
using Testbed.Transports.Native;

namespace Testbed.Cli;

/// <summary><c>testbed serve [--port 5000] [--threads N] [--root DIR]</c>: the server on real libuv.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port")
        {
            Description = "TCP port to listen on (default 5000; 0 picks a free port)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--port", 0, 65535),
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Loop threads (default: the core count)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--threads", 1, 256),
        };
        var root = new Option<DirectoryInfo?>("--root") { Description = "Serve static files from this directory" };
        root.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo?>() is { Exists: false } dir)
            {
                r.AddError($"--root: directory not found: {dir.FullName}");
            }
        });

        var command = new Command("serve", "Run the HTTP/1.1 server on native libuv until Ctrl+C or SIGTERM") { port, threads, root };
        command.SetAction((result, cancellationToken) =>
        {
            // The flags are the last configuration source, so a flag wins over appsettings.json and the environment.
            var flags = new Dictionary<string, string?>();
            AddFlag(flags, "Port", result.GetValue(port)?.ToString(CultureInfo.InvariantCulture));
            AddFlag(flags, "Threads", result.GetValue(threads)?.ToString(CultureInfo.InvariantCulture));
            AddFlag(flags, "Root", result.GetValue(root)?.FullName);
            return RunAsync(flags, cancellationToken);
        });
        return command;
    }

    private static void AddFlag(Dictionary<string, string?> flags, string key, string? value)
    {
        if (value is not null)
        {
            flags[$"{ServeOptions.Section}:{key}"] = value;
        }
    }

    private static async Task<int> RunAsync(Dictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(flags);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        // A failed start is reported below in one line; the host's own stack-trace dump would bury it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (ConfigurationProblem(builder.Configuration, out var settings) is { } problem)
        {
            return Fail(problem, TestbedCommandLine.UsageError);
        }

        var endPoint = new IPEndPoint(settings.ListenAddress, settings.Port);
        var routes = new BuiltInRoutes(settings.Root is null ? null : new StaticFiles(settings.Root));
        builder.Services
            .AddTestbedServer(o =>
            {
                o.EndPoint = endPoint;
                o.ThreadCount = settings.Threads;
                settings.Limits.ApplyTo(o.Limits);
            })
            .UseApplication(routes.HandleAsync)
            .UseNativeLibuv();
        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (UvException ex)
        {
            return Fail($"cannot serve on {endPoint}: {ex.Message}", 1);
        }
        catch (DllNotFoundException)
        {
            return Fail("libuv.so.1 not found; install it with: apt-get install -y libuv1 (scripts/serve.sh does)", 1);
        }
    }

    /// <summary>Binds and validates the section before anything starts; null when it is good, else one line naming the key.</summary>
    private static string? ConfigurationProblem(IConfiguration configuration, out ServeOptions options)
    {
        options = new ServeOptions();
        try
        {
            configuration.GetSection(ServeOptions.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // "Failed to convert configuration value at 'Testbed:Port' to type 'System.Int32'."
            var path = Regex.Match(ex.Message, "at '([^']+)'") is { Success: true } match ? match.Groups[1].Value : ServeOptions.Section;
            return $"Configuration {path} is not a valid value: '{configuration[path]}'";
        }

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return null;
        }

        var key = $"{ServeOptions.Section}:{results[0].MemberNames.First()}";
        return $"Configuration {key} {results[0].ErrorMessage}: '{configuration[key]}'";
    }

    private static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine("testbed: " + message);
        return exitCode;
    }
}
