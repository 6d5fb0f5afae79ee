using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Testbed.Cli;

/// <summary>Flags for <c>serve</c>; a flag wins over configuration ("Testbed:Port", env TESTBED__PORT ...), which wins over defaults.</summary>
public sealed record ServeSettings(int? PortFlag, int? ThreadsFlag, string? RootFlag)
{
    public IPAddress Address { get; private init; } = IPAddress.Loopback;

    public int Port { get; private init; } = 5000;

    public int Threads { get; private init; } = Environment.ProcessorCount;

    public string? Root { get; private init; }

    /// <summary>Limits set under <c>Testbed:Limits</c>, applied over the engine's defaults.</summary>
    public Action<Engine.Infrastructure.ServerLimits> Limits { get; private init; } = _ => { };

    /// <summary>Resolves flags over the configuration section; an invalid configured value is an error naming its key.</summary>
    public ServeSettings Over(IConfiguration section) => this with
    {
        Address = PortableAddress(section["Address"]),
        Port = PortFlag ?? Number(section, "Port", 5000, 0, 65535),
        Threads = ThreadsFlag ?? Number(section, "Threads", Environment.ProcessorCount, 1, 256),
        Root = RootFlag ?? ExistingFolder(section, "Root"),
        Limits = LimitsFrom(section.GetSection("Limits")),
    };

    /// <summary>
    /// The hostile-client limits a deployment tunes (docs/security.md): counts and bytes as whole numbers,
    /// timeouts in seconds, a data rate in bytes a second (0 turns it off, keeping its 5 s grace period).
    /// Each is read now, so a bad value fails before the server starts.
    /// </summary>
    private static Action<Engine.Infrastructure.ServerLimits> LimitsFrom(IConfiguration limits)
    {
        var maxConnections = OptionalNumber(limits, "MaxConcurrentConnections");
        var maxBody = OptionalNumber(limits, "MaxRequestBodySize");
        var keepAlive = OptionalNumber(limits, "KeepAliveTimeout");
        var headers = OptionalNumber(limits, "RequestHeadersTimeout");
        var bodyRate = OptionalNumber(limits, "MinRequestBodyDataRate");
        var responseRate = OptionalNumber(limits, "MinResponseDataRate");
        return l =>
        {
            l.MaxConcurrentConnections = maxConnections ?? l.MaxConcurrentConnections;
            l.MaxRequestBodySize = maxBody ?? l.MaxRequestBodySize;
            l.KeepAliveTimeout = keepAlive is { } k ? TimeSpan.FromSeconds(k) : l.KeepAliveTimeout;
            l.RequestHeadersTimeout = headers is { } h ? TimeSpan.FromSeconds(h) : l.RequestHeadersTimeout;
            l.MinRequestBodyDataRate = bodyRate is { } b ? Rate(b) : l.MinRequestBodyDataRate;
            l.MinResponseDataRate = responseRate is { } r ? Rate(r) : l.MinResponseDataRate;
        };
    }

    private static Engine.Infrastructure.MinDataRate? Rate(long bytesPerSecond) =>
        bytesPerSecond == 0 ? null : new Engine.Infrastructure.MinDataRate(bytesPerSecond, TimeSpan.FromSeconds(5));

    private static long? OptionalNumber(IConfiguration section, string key) =>
        section[key] is not { } text ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && (value > 0 || key.StartsWith("Min", StringComparison.Ordinal)) ? value
        : throw new InvalidOperationException($"Configuration Testbed:Limits:{key} is not a whole number{(key.StartsWith("Min", StringComparison.Ordinal) ? string.Empty : " above 0")}: '{text}'");

    private static IPAddress PortableAddress(string? value) =>
        value is null ? IPAddress.Loopback
        : IPAddress.TryParse(value, out var address) ? address
        : throw new InvalidOperationException($"Configuration Testbed:Address is not an IP address: '{value}'");

    /// <summary>The same ranges as the flags': a configured value is checked as strictly as a typed one.</summary>
    private static int Number(IConfiguration section, string key, int fallback, int min, int max) =>
        section[key] is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
        : throw new InvalidOperationException($"Configuration Testbed:{key} is not a whole number between {min} and {max}: '{text}'");

    private static string? ExistingFolder(IConfiguration section, string key) =>
        section[key] is not { } path ? null
        : Directory.Exists(path) ? Path.GetFullPath(path)
        : throw new InvalidOperationException($"Configuration Testbed:{key}: directory not found: {Path.GetFullPath(path)}");
}
