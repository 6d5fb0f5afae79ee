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
using Testbed.Transports.Recording;

namespace Testbed.Cli;

/// <summary>
/// <c>testbed serve [--port 5000] [--threads N] [--root DIR] [--record FILE [--record-bodies none|hash|full]
/// [--record-max-bytes N]] [--report-allocations]</c>: the server on real libuv, optionally recording its connections
/// (docs/record-replay.md) or reporting the bytes allocated per request at stop (<see cref="AllocationReport"/>).
/// </summary>
public static class ServeCommand
{
    /// <summary>The host's own deadline for a graceful stop (in-flight requests, then every handle and loop).</summary>
    private static readonly TimeSpan HostStopDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long System.CommandLine waits after Ctrl+C or SIGTERM before it ends the process itself with exit 130:
    /// past the host's stop deadline, so a graceful stop under load (up to the engine's 3 s for in-flight requests)
    /// is never cut short, and a recording always gets its footer. Its default, 2 s, cut such stops short.
    /// </summary>
    public static readonly TimeSpan ProcessTerminationTimeout = HostStopDeadline + TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var port = new Option<int?>("--port")
        {
            Description = "TCP port to listen on (default 5000; 0 picks a free port)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--port", 0, 65535),
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Loop threads (default: half the cores, 1 to 16)",
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

        var record = new Option<string?>("--record") { Description = "Record every connection's reads and writes to this file (docs/record-replay.md)" };
        var recordBodies = new Option<RecordBodies?>("--record-bodies")
        {
            Description = "What the recording keeps: none (counts and hashes), hash (what was read; the default), full (also what was written)",
            CustomParser = r => TextFlag.Parse<RecordBodies>(r, "--record-bodies", TryParseBodies),
        };
        var recordMaxBytes = new Option<long?>("--record-max-bytes")
        {
            Description = "Stop recording once the file would grow past this many bytes (the footer then says truncated)",
            CustomParser = r => WholeNumberFlag.Parse(r, "--record-max-bytes", 1L, long.MaxValue),
        };

        // A switch. As a bool option, "--report-allocations=yes" would be an unrecognised argument naming no flag,
        // so it takes an optional value and refuses any.
        var reportAllocations = new Option<string?>("--report-allocations")
        {
            Description = "At stop, and on SIGUSR1 (which starts the count again), print the bytes allocated per request since the start or the last SIGUSR1",
            Arity = ArgumentArity.ZeroOrOne,
        };
        reportAllocations.Validators.Add(r =>
        {
            if (r.Tokens is [var token, ..])
            {
                r.AddError($"--report-allocations takes no value, got '{token.Value}'");
            }
        });

        var command = new Command("serve", "Run the HTTP/1.1 server on native libuv until Ctrl+C or SIGTERM") { port, threads, root, record, recordBodies, recordMaxBytes, reportAllocations };
        command.Validators.Add(r =>
        {
            if (r.GetResult(record) is null && (r.GetResult(recordBodies) ?? (object?)r.GetResult(recordMaxBytes)) is not null)
            {
                r.AddError($"{(r.GetResult(recordBodies) is null ? "--record-max-bytes" : "--record-bodies")} needs --record FILE");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            // The flags are the last configuration source, so a flag wins over appsettings.json and the environment.
            var flags = new Dictionary<string, string?>();
            AddFlag(flags, "Port", result.GetValue(port)?.ToString(CultureInfo.InvariantCulture));
            AddFlag(flags, "Threads", result.GetValue(threads)?.ToString(CultureInfo.InvariantCulture));
            AddFlag(flags, "Root", result.GetValue(root)?.FullName);
            var recording = result.GetValue(record) is { } path
                ? new ServeRecording(path, result.GetValue(recordBodies) ?? RecordBodies.Hash, result.GetValue(recordMaxBytes))
                : null;
            return RunAsync(flags, recording, result.GetResult(reportAllocations) is not null, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>What <c>--record</c> and its two companions asked for.</summary>
    private sealed record ServeRecording(string Path, RecordBodies Bodies, long? MaxBytes);

    private static bool TryParseBodies(string text, out RecordBodies value, out string problem)
    {
        (value, problem) = text switch
        {
            "none" => (RecordBodies.None, ""),
            "hash" => (RecordBodies.Hash, ""),
            "full" => (RecordBodies.Full, ""),
            _ => (default, $"'{text}' is not one of none, hash, full"),
        };
        return problem.Length == 0;
    }

    private static void AddFlag(Dictionary<string, string?> flags, string key, string? value)
    {
        if (value is not null)
        {
            flags[$"{ServeOptions.Section}:{key}"] = value;
        }
    }

    private static async Task<int> RunAsync(Dictionary<string, string?> flags, ServeRecording? recording, bool reportAllocations, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(flags);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = HostStopDeadline);
        // A failed start is reported below in one line; the host's own stack-trace dump would bury it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (ConfigurationProblem(builder.Configuration, out var settings) is { } problem)
        {
            return Fail(error, problem, TestbedCommandLine.UsageError);
        }

        if (recording is not null && CannotCreate(recording.Path) is { } reason)
        {
            return Fail(error, $"--record: cannot create {recording.Path}: {reason}", TestbedCommandLine.UsageError);
        }

        var endPoint = new IPEndPoint(settings.ListenAddress, settings.Port);
        var routes = new BuiltInRoutes(settings.Root is null ? null : new StaticFiles(settings.Root));
        using var allocations = reportAllocations ? new AllocationReport(output) : null;
        var server = builder.Services
            .AddTestbedServer(o =>
            {
                o.EndPoint = endPoint;
                o.ThreadCount = settings.Threads;
                settings.Limits.ApplyTo(o.Limits);
            })
            .UseApplication(allocations is null ? routes.HandleAsync : allocations.Wrap(routes.HandleAsync))
            .UseNativeLibuv();
        if (recording is not null)
        {
            server.RecordTo(RecordingOptionsFor(recording, settings, output));
        }

        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken);
            if (allocations is not null)
            {
                output.WriteLine(allocations.Line());
            }

            return 0;
        }
        catch (UvException ex)
        {
            return Fail(error, $"cannot serve on {endPoint}: {ex.Message}", 1);
        }
        catch (DllNotFoundException)
        {
            return Fail(error, "libuv.so.1 not found; install it with: apt-get install -y libuv1 (scripts/serve.sh does)", 1);
        }
    }

    /// <summary>The app's settings go into the header beside the server's, so a replay builds the same app.</summary>
    private static RecordingOptions RecordingOptionsFor(ServeRecording recording, ServeOptions settings, TextWriter output)
    {
        var app = new Dictionary<string, string> { ["App"] = "builtin" };
        if (settings.Root is { } root)
        {
            app["Root"] = Path.GetFullPath(root);
        }

        return new RecordingOptions
        {
            Path = recording.Path,
            Bodies = recording.Bodies,
            MaxBytes = recording.MaxBytes,
            Settings = app,
            Completed = writer => output.WriteLine(Summary(writer, recording.Path)),
        };
    }

    /// <summary>The one line printed at stop: "recorded N connections, E events (B bytes) to FILE", and what went wrong, if anything did.</summary>
    internal static string Summary(RecordingWriter writer, string path)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"recorded {writer.Connections} connections, {writer.Events} events ({writer.Bytes} bytes) to {path}");
        if (writer.Dropped > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; {writer.Dropped} events dropped (the writer fell behind): complete only up to {writer.Footer?.FirstDropped} µs");
        }

        if (writer.Truncated)
        {
            line += "; truncated at --record-max-bytes";
        }

        if (writer.Failure is { } failure)
        {
            line += $"; the recording failed, the file is incomplete: {failure.Message}";
        }

        return line;
    }

    /// <summary>Creates (empties) the file now, so a path that cannot be written is one line before the server starts.</summary>
    private static string? CannotCreate(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ex.Message;
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

    private static int Fail(TextWriter error, string message, int exitCode)
    {
        error.WriteLine("testbed: " + message);
        return exitCode;
    }
}
