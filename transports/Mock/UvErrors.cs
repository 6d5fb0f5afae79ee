using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock;

/// <summary>libuv's names and messages for the statuses the mock produces (Linux errno values).</summary>
internal static class UvErrors
{
    public const int EAGAIN = -11;
    public const int ENOTCONN = -107;
    public const int EALREADY = -114;
    public const int EMFILE = -24;
    public const int ENFILE = -23;
    public const int ENOBUFS = -105;

    /// <summary>What a listener's connection callback can report on Linux when the accept itself fails.</summary>
    public static readonly IReadOnlyList<int> AcceptErrors = [EMFILE, ENFILE, ENOBUFS];

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
        [EALREADY] = ("EALREADY", "connection already in progress"),
        [EMFILE] = ("EMFILE", "too many open files"),
        [ENFILE] = ("ENFILE", "file table overflow"),
        [ENOBUFS] = ("ENOBUFS", "no buffer space available"),
    };

    public static string Name(int status) => Known.TryGetValue(status, out var known) ? known.Name : $"Unknown system error {status}";

    public static string Message(int status) => Known.TryGetValue(status, out var known) ? known.Message : $"Unknown system error {status}";
}
