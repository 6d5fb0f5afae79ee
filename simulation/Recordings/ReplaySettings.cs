using System.Globalization;
using Testbed.Engine.Hosting;
using Testbed.Engine.Infrastructure;
using Testbed.Transports.Recording;

namespace Testbed.Simulator.Recordings;

/// <summary>
/// The server a recording was made on, read from its header: the loops, and each setting as a configuration key
/// (<c>Limits:MaxRequestBufferSize</c> = <c>1048576</c>, <c>unlimited</c> for none; timeouts in seconds or as
/// <c>hh:mm:ss</c>; a data rate as bytes a second, <c>BYTES/GRACE</c> with its grace period, or <c>unlimited</c>/<c>0</c>
/// for none, or its <c>:BytesPerSecond</c> and <c>:GracePeriod</c> keys), <c>ShutdownTimeout</c>, <c>ServerHeader</c>,
/// <c>AllowSynchronousIO</c>, <c>Backlog</c>; <c>App</c> and <c>Root</c> name the app. A <c>Limits:</c> key this replay
/// does not know is an error (it would change what the server does); any other key is listed as not used.
/// </summary>
public sealed class ReplaySettings
{
    private readonly List<Action<TestbedServerOptions>> _apply = [];

    private ReplaySettings(int loops)
    {
        Loops = loops;
    }

    /// <summary>Loop threads, each with its listen socket: the recording's.</summary>
    public int Loops { get; }

    /// <summary>The <c>App</c> setting ("builtin" for testbed serve's routes), or null.</summary>
    public string? App { get; private set; }

    /// <summary>The <c>Root</c> setting: the static files folder of the built-in app, or null.</summary>
    public string? Root { get; private set; }

    /// <summary>The settings used, as the recording gives them, in key order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Used { get; private set; } = [];

    /// <summary>The settings this replay does not use (the port, the address, ...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Ignored { get; private set; } = [];

    /// <summary>Reads the header's settings; <see cref="RecordingReplayException"/> names a key or value it cannot use.</summary>
    public static ReplaySettings Of(RecordingHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Loops < 1)
        {
            throw new RecordingReplayException($"the recording has {header.Loops} loops; a server has at least one");
        }

        var settings = new ReplaySettings(header.Loops);
        settings._apply.Add(o => o.ThreadCount = header.Loops);
        List<KeyValuePair<string, string>> used = [];
        List<KeyValuePair<string, string>> ignored = [];
        foreach (var (key, value) in header.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            (settings.Read(key, value) ? used : ignored).Add(new(key, value));
        }

        settings.Used = used;
        settings.Ignored = ignored;
        return settings;
    }

    /// <summary>Sets the recording's server options on <paramref name="options"/>.</summary>
    public void ApplyTo(TestbedServerOptions options)
    {
        foreach (var apply in _apply)
        {
            apply(options);
        }
    }

    private bool Read(string key, string value)
    {
        const string limits = "Limits:";
        if (key.StartsWith(limits, StringComparison.OrdinalIgnoreCase))
        {
            ReadLimit(key, key[limits.Length..], value);
            return true;
        }

        switch (key.ToUpperInvariant())
        {
            case "APP":
                App = value;
                return true;
            case "ROOT":
                Root = value;
                return true;
            case "SHUTDOWNTIMEOUT":
                var timeout = Duration(key, value);
                _apply.Add(o => o.ShutdownTimeout = timeout);
                return true;
            case "SERVERHEADER":
                _apply.Add(o => o.ServerHeader = value);
                return true;
            case "ALLOWSYNCHRONOUSIO":
                var allow = bool.TryParse(value, out var b) ? b : throw Bad(key, value, "true or false");
                _apply.Add(o => o.AllowSynchronousIO = allow);
                return true;
            case "BACKLOG":
                var backlog = (int)Whole(key, value, int.MaxValue);
                _apply.Add(o => o.Backlog = backlog);
                return true;
            default:
                return false;
        }
    }

    private void ReadLimit(string key, string name, string value)
    {
        var parts = name.Split(':');
        switch (parts[0].ToUpperInvariant())
        {
            case "MAXREQUESTLINESIZE":
                var line = (int)Whole(key, value, int.MaxValue);
                _apply.Add(o => o.Limits.MaxRequestLineSize = line);
                break;
            case "MAXREQUESTHEADERSTOTALSIZE":
                var headers = (int)Whole(key, value, int.MaxValue);
                _apply.Add(o => o.Limits.MaxRequestHeadersTotalSize = headers);
                break;
            case "MAXREQUESTHEADERCOUNT":
                var count = (int)Whole(key, value, int.MaxValue);
                _apply.Add(o => o.Limits.MaxRequestHeaderCount = count);
                break;
            case "MAXREQUESTBODYSIZE":
                var body = Optional(key, value);
                _apply.Add(o => o.Limits.MaxRequestBodySize = body);
                break;
            case "MAXREQUESTBUFFERSIZE":
                var input = Optional(key, value);
                _apply.Add(o => o.Limits.MaxRequestBufferSize = input);
                break;
            case "MAXRESPONSEBUFFERSIZE":
                var output = Optional(key, value);
                _apply.Add(o => o.Limits.MaxResponseBufferSize = output);
                break;
            case "MAXCONCURRENTCONNECTIONS":
                var connections = Optional(key, value);
                _apply.Add(o => o.Limits.MaxConcurrentConnections = connections);
                break;
            case "KEEPALIVETIMEOUT":
                var keepAlive = Duration(key, value);
                _apply.Add(o => o.Limits.KeepAliveTimeout = keepAlive);
                break;
            case "REQUESTHEADERSTIMEOUT":
                var headersTimeout = Duration(key, value);
                _apply.Add(o => o.Limits.RequestHeadersTimeout = headersTimeout);
                break;
            case "MINREQUESTBODYDATARATE":
                ReadRate(key, parts, value, (o, rate) => o.Limits.MinRequestBodyDataRate = rate(o.Limits.MinRequestBodyDataRate));
                break;
            case "MINRESPONSEDATARATE":
                ReadRate(key, parts, value, (o, rate) => o.Limits.MinResponseDataRate = rate(o.Limits.MinResponseDataRate));
                break;
            default:
                throw new RecordingReplayException($"setting {key}: this replay does not know that limit, and the server would not be the recorded one without it");
        }
    }

    /// <summary>A data rate whole (<c>240</c>, <c>240/5</c>, <c>unlimited</c>), or one of its two fields as configuration binds them.</summary>
    private void ReadRate(string key, string[] parts, string value, Action<TestbedServerOptions, Func<MinDataRate?, MinDataRate?>> set)
    {
        switch (parts.Length > 1 ? parts[1].ToUpperInvariant() : null)
        {
            case null when parts.Length == 1:
                var whole = ParseRate(key, value);
                _apply.Add(o => set(o, _ => whole));
                break;
            case "BYTESPERSECOND" when parts.Length == 2:
                var bytes = Number(key, value);
                _apply.Add(o => set(o, current => bytes <= 0 ? null : new MinDataRate(bytes, current?.GracePeriod ?? DefaultGrace)));
                break;
            case "GRACEPERIOD" when parts.Length == 2:
                var grace = Duration(key, value);
                _apply.Add(o => set(o, current => current is null ? null : new MinDataRate(current.BytesPerSecond, grace)));
                break;
            default:
                throw new RecordingReplayException($"setting {key}: a data rate has only BytesPerSecond and GracePeriod");
        }
    }

    /// <summary>The grace period of a rate given as bytes a second alone: the engine's default.</summary>
    private static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(5);

    private static MinDataRate? ParseRate(string key, string value)
    {
        if (value.ToUpperInvariant() is "UNLIMITED" or "OFF" or "NONE" or "NULL")
        {
            return null;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var bytes = Number(key, slash < 0 ? value : value[..slash]);
        var grace = slash < 0 ? DefaultGrace : Duration(key, value[(slash + 1)..]);
        return bytes <= 0 ? null : new MinDataRate(bytes, grace);
    }

    private static double Number(string key, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(key, value, "a number of bytes a second");

    private static long? Optional(string key, string value) =>
        value.Equals("unlimited", StringComparison.OrdinalIgnoreCase) || value.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : Whole(key, value, long.MaxValue);

    private static long Whole(string key, string value, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max ? n : throw Bad(key, value, "a whole number");

    /// <summary>Seconds (<c>130</c>, <c>2.5</c>) or a time span (<c>00:02:10</c>).</summary>
    private static TimeSpan Duration(string key, string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : throw Bad(key, value, "a time span");
        }

        return double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : throw Bad(key, value, "seconds or hh:mm:ss");
    }

    private static RecordingReplayException Bad(string key, string value, string what) => new($"setting {key}: '{value}' is not {what}");
}
