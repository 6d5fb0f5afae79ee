using System.Runtime.InteropServices;

namespace Testbed.Cli;

/// <summary>
/// A non-interactive shell starts background jobs with SIGINT ignored, and .NET then never installs its
/// handler, so <c>testbed serve &amp;</c> followed by <c>kill -INT</c> would be silently ignored. A server should
/// stop gracefully on SIGINT however it was started, so the default disposition is restored before the
/// host registers its handlers. (SIGHUP, which nohup ignores, is left alone.)
/// </summary>
internal static partial class SignalDefaults
{
    private const int SigInt = 2;
    private static readonly nint SigDfl = 0;

    public static void RestoreInterrupt()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Signal(SigInt, SigDfl);
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
