using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock;

/// <summary>libuv's names and messages for the statuses the mock produces (Linux errno values).</summary>
internal static class UvErrors
{
    public const int EAGAIN = -11;
    public const int ENOTCONN = -107;

    private static readonly Dictionary<int, (string Name, string Message)> Known = new()
    {
        [UvStatus.EOF] = ("EOF", "end of file"),
        [UvStatus.ECONNRESET] = ("ECONNRESET", "connection reset by peer"),
        [UvStatus.EPIPE] = ("EPIPE", "broken pipe"),
        [UvStatus.ECANCELED] = ("ECANCELED", "operation canceled"),
        [UvStatus.EADDRINUSE] = ("EADDRINUSE", "address already in use"),
        [UvStatus.EBUSY] = ("EBUSY", "resource busy or locked"),
        [EAGAIN] = ("EAGAIN", "resource temporarily unavailable"),
        [ENOTCONN] = ("ENOTCONN", "socket is not connected"),
    };

    public static string Name(int status) => Known.TryGetValue(status, out var known) ? known.Name : $"Unknown system error {status}";

    public static string Message(int status) => Known.TryGetValue(status, out var known) ? known.Message : $"Unknown system error {status}";
}
