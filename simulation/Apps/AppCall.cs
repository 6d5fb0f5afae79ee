using System.Globalization;
using Testbed.Engine.App;

namespace Testbed.Simulator.Apps;

/// <summary>
/// One request as an app under test handles it: the context, the query, the virtual clock, and a record of what
/// the app is doing, so the run can tell when an app never finished or a write of its never completed.
/// </summary>
public sealed class AppCall
{

    internal AppCall(SimApp app, HttpContext context, TimeProvider time)
    {
        App = app;
        Context = context;
        Time = time;
        Query = new QueryString(context.Request.QueryString);
        RequestId = context.Request.Headers["X-Request"] ?? string.Empty;
    }

    public SimApp App { get; }

    public HttpContext Context { get; }

    public TimeProvider Time { get; }

    /// <summary>The client's name for the request (<c>k3.2</c>: connection k3, its second request).</summary>
    public string RequestId { get; }

    /// <summary>Writes and flushes the app started that have not completed yet.</summary>
    public int WritesPending { get; private set; }

    public bool Finished { get; internal set; }

    /// <summary>What the client asked the app to do.</summary>
    public QueryString Query { get; }

    /// <summary>Writes to the response, counting the write as pending until its task completes.</summary>
    public Task WriteAsync(ReadOnlyMemory<byte> data) => Track(Context.Response.WriteAsync(data));

    public Task FlushAsync() => Track(Context.Response.FlushAsync());

    /// <summary>Writes <paramref name="count"/> bytes of <see cref="Pattern"/> from <paramref name="offset"/> in one write.</summary>
    public Task WritePatternAsync(long offset, int count) => WriteAsync(Pattern.Bytes(offset, count));

    public void SetContentLength(long length) => Context.Response.Headers["Content-Length"] = length.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the whole request body.</summary>
    public async Task<byte[]> ReadBodyAsync()
    {
        using var body = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await Context.Request.Body.ReadAsync(buffer)) > 0)
        {
            body.Write(buffer, 0, n);
        }

        return body.ToArray();
    }

    /// <summary>Waits <paramref name="milliseconds"/> of virtual time.</summary>
    public Task DelayAsync(int milliseconds) => PauseAsync(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>
    /// Waits <paramref name="span"/> of virtual time, to the microsecond: Task.Delay rounds to whole milliseconds,
    /// and a shorter pause is what lets writes overlap with the socket's latency.
    /// </summary>
    public Task PauseAsync(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource();
        ITimer? timer = null;
        timer = Time.CreateTimer(_ => { timer!.Dispose(); done.TrySetResult(); }, null, span, Timeout.InfiniteTimeSpan);
        return done.Task;
    }

    private async Task Track(Task write)
    {
        WritesPending++;
        try
        {
            await write;
        }
        finally
        {
            WritesPending--;
        }
    }
}
