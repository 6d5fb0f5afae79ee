using System.Globalization;
using System.Runtime.InteropServices;
using Testbed.Engine.App;

namespace Testbed.Cli;

/// <summary>
/// <c>testbed serve --report-allocations</c>: counts the requests the app is handed and the bytes the whole
/// process allocates (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, precise), from the start or from the last
/// SIGUSR1, and prints one line at stop: <c>allocations: B bytes in N requests (X bytes/request)</c>. SIGUSR1 prints
/// the same line for the span it ends and starts a new one, so a load script brackets each measured run with it
/// (the first ends the warm-up, the second prints the run's figure; docs/decisions.md). The bytes are everything the process allocated
/// in that span (loops, thread pool, host, logging), not only the request path, so the figure is an upper
/// bound on what a request costs. Requests in flight at the reset are counted if they reached the app after
/// it. The engine is not touched: the count is taken in a wrapper around the app.
/// </summary>
internal sealed class AllocationReport : IDisposable
{
    /// <summary>SIGUSR1 on Linux (x86, x64, Arm); PosixSignal takes a raw number cast to it.</summary>
    private const int LinuxSigUsr1 = 10;

    private readonly PosixSignalRegistration? _reset;
    private long _requests;
    private long _baseline;

    private readonly TextWriter _output;

    public AllocationReport(TextWriter output)
    {
        _output = output;
        Reset();
        if (OperatingSystem.IsLinux())
        {
            _reset = PosixSignalRegistration.Create((PosixSignal)LinuxSigUsr1, context =>
            {
                context.Cancel = true; // Not the default action, which ends the process.
                _output.WriteLine(Line(reset: true));
                _output.Flush();
            });
        }
    }

    /// <summary>The app, counting each request it is handed; allocates nothing per request itself.</summary>
    public RequestDelegate Wrap(RequestDelegate application) => context =>
    {
        Interlocked.Increment(ref _requests);
        return application(context);
    };

    /// <summary>The line for the span so far; with <paramref name="reset"/>, a new span starts at once.</summary>
    public string Line(bool reset = false)
    {
        var now = GC.GetTotalAllocatedBytes(precise: true);
        var bytes = now - (reset ? Interlocked.Exchange(ref _baseline, now) : Interlocked.Read(ref _baseline));
        var requests = reset ? Interlocked.Exchange(ref _requests, 0) : Interlocked.Read(ref _requests);
        var perRequest = requests == 0 ? "n/a" : (bytes / (double)requests).ToString("F1", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"allocations: {bytes} bytes in {requests} requests ({perRequest} bytes/request)");
    }

    private void Reset()
    {
        Interlocked.Exchange(ref _baseline, GC.GetTotalAllocatedBytes(precise: true));
        Interlocked.Exchange(ref _requests, 0);
    }

    public void Dispose() => _reset?.Dispose();
}
