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

    /// <summary>Resolves flags over the configuration section; an invalid configured value is an error naming its key.</summary>
    public ServeSettings Over(IConfiguration section) => this with
    {
        Address = PortableAddress(section["Address"]),
        Port = PortFlag ?? Number(section, "Port", 5000),
        Threads = ThreadsFlag ?? Number(section, "Threads", Environment.ProcessorCount),
        Root = RootFlag ?? section["Root"],
    };

    private static IPAddress PortableAddress(string? value) =>
        value is null ? IPAddress.Loopback
        : IPAddress.TryParse(value, out var address) ? address
        : throw new InvalidOperationException($"Configuration Testbed:Address is not an IP address: '{value}'");

    private static int Number(IConfiguration section, string key, int fallback) =>
        section[key] is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new InvalidOperationException($"Configuration Testbed:{key} is not a whole number: '{text}'");
}
