using Testbed.Engine.App;
using Testbed.Simulator.Runs;

namespace Testbed.Simulator.Apps;

/// <summary>
/// The app under test as the server sees it: dispatches each request to the <see cref="SimApp"/> whose path it
/// names, and records every call with the run, so a call that never ends or a write that never completes is seen.
/// An unknown path gets 404.
/// </summary>
internal sealed class AppRouter(RunContext run, IReadOnlyList<SimApp> apps)
{
    /// <summary>Every app the default scenario draws from.</summary>
    public static IReadOnlyList<SimApp> Standard { get; } =
    [
        new PlainApp(), new EchoApp(), new BytesApp(), new NoReadApp(), new StartingApp(),
        new SlowApp(), new WatchApp(), new FailApp(), new MismatchApp(),
    ];

    public IReadOnlyList<SimApp> Apps => apps;

    public async Task HandleAsync(HttpContext context)
    {
        var app = apps.FirstOrDefault(a => a.Path == context.Request.Path);
        if (app is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var call = new AppCall(app, context, run.Simulation.Time);
        run.AppCallStarted(call);
        try
        {
            await app.HandleAsync(call);
        }
        catch (Exception ex)
        {
            run.AppCallEnded(call, ex);
            throw;
        }

        run.AppCallEnded(call, null);
    }
}
