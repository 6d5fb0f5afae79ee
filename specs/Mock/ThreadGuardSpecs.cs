using Testbed.Engine.App;
using Testbed.Specs.Mock.Support;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>
/// Work that leaves the simulation thread fails the run at the event that let it go, every time, rather than
/// racing the simulation and touching the mock after the run is over.
/// </summary>
public sealed class ThreadGuardSpecs
{
    public static TheoryData<string> Escapes => ["Task.Run", "Task.Yield", "ThreadPool.QueueUserWorkItem"];

    [Theory]
    [MemberData(nameof(Escapes))]
    public void An_app_that_continues_on_the_thread_pool_fails_the_run(string escape)
    {
        var sim = new Simulation(601);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await Escape(escape);
            await MockApps.WriteTextAsync(context, "from the pool");
        });
        var client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

        var error = Assert.Throws<SimulationException>(() => sim.RunUntil(() => client.Received.Length > 0));

        Assert.Equal("work queued to the thread pool from the simulation thread: work escaped to another thread", error.Message);
        Assert.Contains(" srv.request c1 GET /", sim.Trace.ToString());
        Assert.Empty(client.Received);
    }

    private static async Task Escape(string how)
    {
        switch (how)
        {
            case "Task.Run":
                await Task.Run(() => { });
                break;
            case "Task.Yield":
                await Task.Yield();
                break;
            default:
                var done = new TaskCompletionSource();
                ThreadPool.QueueUserWorkItem(_ => done.SetResult());
                await done.Task;
                break;
        }
    }
}
