using System.ComponentModel.DataAnnotations;
using System.Net;
using Testbed.Engine.Infrastructure;

namespace Testbed.Cli;

/// <summary>
/// The <c>Testbed</c> configuration section of <c>testbed serve</c>, bound the ASP.NET Core way from
/// appsettings.json, the environment (<c>TESTBED__PORT</c>, <c>TESTBED__LIMITS__KEEPALIVETIMEOUT</c>) and the
/// flags, the flag winning, and validated by its annotations before the server starts.
/// </summary>
internal sealed class ServeOptions : IValidatableObject
{
    public const string Section = "Testbed";

    [Range(0, 65535, ErrorMessage = "must be between {1} and {2}")]
    public int Port { get; set; } = 5000;

    [Range(1, 256, ErrorMessage = "must be between {1} and {2}")]
    public int Threads { get; set; } = DefaultThreads;

    /// <summary>
    /// Half the cores, 1 to 16, as libuv-era Kestrel chose: the app runs on the thread pool, not on the loops, and
    /// needs cores of its own (measured in docs/performance.md, "Loops: half the cores").
    /// </summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount / 2, 1, 16);

    /// <summary>The IP address to listen on.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>A folder to serve static files from.</summary>
    public string? Root { get; set; }

    public ServeLimits Limits { get; set; } = new();

    public IPAddress ListenAddress => IPAddress.Parse(Address);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult("is not an IP address", [nameof(Address)]);
        }

        if (Root is not null && !Directory.Exists(Root))
        {
            yield return new ValidationResult("is not a directory that exists", [nameof(Root)]);
        }

        // Annotations are not checked in nested objects by themselves.
        var nested = new List<ValidationResult>();
        Validator.TryValidateObject(Limits, new ValidationContext(Limits), nested, validateAllProperties: true);
        foreach (var result in nested)
        {
            yield return new ValidationResult(result.ErrorMessage, [.. result.MemberNames.Select(member => $"{nameof(Limits)}:{member}")]);
        }
    }
}

/// <summary>
/// The hostile-client limits a deployment tunes (docs/security.md), under <c>Testbed:Limits</c>: counts and
/// bytes, timeouts in seconds, data rates in bytes a second (0 turns one off, keeping its 5 s grace period).
/// Unset, each keeps the engine's default.
/// </summary>
internal sealed class ServeLimits
{
    [Range(1, long.MaxValue, ErrorMessage = "must be at least {1}")]
    public long? MaxConcurrentConnections { get; set; }

    [Range(1, long.MaxValue, ErrorMessage = "must be at least {1}")]
    public long? MaxRequestBodySize { get; set; }

    [Range(1, 86_400, ErrorMessage = "must be between {1} and {2} seconds")]
    public long? KeepAliveTimeout { get; set; }

    [Range(1, 86_400, ErrorMessage = "must be between {1} and {2} seconds")]
    public long? RequestHeadersTimeout { get; set; }

    [Range(0, long.MaxValue, ErrorMessage = "must be at least {1} (0 turns it off)")]
    public long? MinRequestBodyDataRate { get; set; }

    [Range(0, long.MaxValue, ErrorMessage = "must be at least {1} (0 turns it off)")]
    public long? MinResponseDataRate { get; set; }

    public void ApplyTo(ServerLimits limits)
    {
        limits.MaxConcurrentConnections = MaxConcurrentConnections ?? limits.MaxConcurrentConnections;
        limits.MaxRequestBodySize = MaxRequestBodySize ?? limits.MaxRequestBodySize;
        limits.KeepAliveTimeout = KeepAliveTimeout is { } k ? TimeSpan.FromSeconds(k) : limits.KeepAliveTimeout;
        limits.RequestHeadersTimeout = RequestHeadersTimeout is { } h ? TimeSpan.FromSeconds(h) : limits.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = MinRequestBodyDataRate is { } b ? Rate(b) : limits.MinRequestBodyDataRate;
        limits.MinResponseDataRate = MinResponseDataRate is { } r ? Rate(r) : limits.MinResponseDataRate;
    }

    private static MinDataRate? Rate(long bytesPerSecond) => bytesPerSecond == 0 ? null : new MinDataRate(bytesPerSecond, TimeSpan.FromSeconds(5));
}
