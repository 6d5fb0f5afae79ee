using System.Diagnostics.Tracing;

namespace Testbed.Transports.Mock;

/// <summary>
/// Sees work queued to the thread pool at the moment it is queued, on the thread that queues it. Pool work queued
/// by a running simulation (Task.Run, Task.Yield, QueueUserWorkItem, a continuation sent to the pool) has escaped
/// it, yet may touch the mock only after the run is over, too late for the entry-point checks to notice.
/// </summary>
internal sealed class ThreadPoolEscapeListener : EventListener
{
    // The runtime's own event source: the pool reports every enqueue through it, synchronously, once enabled.
    private const string FrameworkEventSource = "System.Diagnostics.Eventing.FrameworkEventSource";
    private const int ThreadPoolEnqueueWork = 30;
    private const EventKeywords ThreadPoolKeywords = (EventKeywords)(0x0002 | 0x0010); // ThreadPool | ThreadTransfer

    private const int MaxProbes = 1000;
    private static readonly TimeSpan ProbeWait = TimeSpan.FromMilliseconds(10);
    private static readonly Lazy<ThreadPoolEscapeListener> Shared = new(Create);

    [ThreadStatic]
    private static Simulation? t_running;

    [ThreadStatic]
    private static bool t_probeReported;

    /// <summary>Marks this thread as running <paramref name="simulation"/> (or nothing); returns what it ran before.</summary>
    public static Simulation? Enter(Simulation? simulation)
    {
        _ = Shared.Value;
        var previous = t_running;
        t_running = simulation;
        return previous;
    }

    private static ThreadPoolEscapeListener Create()
    {
        var listener = new ThreadPoolEscapeListener();
        WaitUntilThePoolReports();
        return listener;
    }

    /// <summary>
    /// The pool re-reads whether to report enqueues only when a worker starts dispatching, so enabling the events
    /// takes effect a little later. Probe until an enqueue from this thread is reported: a guard that is not yet
    /// live would let the first escapes through.
    /// </summary>
    private static void WaitUntilThePoolReports()
    {
        using var probeRan = new ManualResetEventSlim();
        for (var probe = 0; probe < MaxProbes; probe++)
        {
            t_probeReported = false;
            probeRan.Reset();
            ThreadPool.UnsafeQueueUserWorkItem(static ran => ((ManualResetEventSlim)ran!).Set(), probeRan);
            if (t_probeReported)
            {
                return;
            }

            probeRan.Wait(ProbeWait);
        }

        throw new SimulationException("the thread pool never reported queued work: the escape guard could not arm");
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == FrameworkEventSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, ThreadPoolKeywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != ThreadPoolEnqueueWork)
        {
            return;
        }

        t_probeReported = true;
        t_running?.ReportEscape("work queued to the thread pool");
    }
}
