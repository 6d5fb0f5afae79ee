using System.Text;

namespace Testbed.Engine.Http;

/// <summary>
/// The status line of every status with a standard reason phrase, as bytes made once: a response head copies
/// its first line instead of encoding three strings for it.
/// </summary>
internal static class StatusLines
{
    private static readonly Dictionary<int, byte[]> Http11 = Build("HTTP/1.1");
    private static readonly Dictionary<int, byte[]> Http10 = Build("HTTP/1.0");

    /// <summary><c>HTTP/1.1 200 OK\r\n</c> and the like; null for a status without a standard phrase.</summary>
    public static byte[]? For(HttpVersion version, int status) =>
        (version == HttpVersion.Http11 ? Http11 : Http10).GetValueOrDefault(status);

    private static Dictionary<int, byte[]> Build(string version) =>
        ReasonPhrases.Codes.ToDictionary(status => status, status => Encoding.Latin1.GetBytes($"{version} {status} {ReasonPhrases.For(status)}\r\n"));
}
