using System.Text;
using Testbed.Engine.App;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>
/// A connection that neither records nor holds its writes reuses a completed <see cref="MockWrite"/> for its next
/// uv_write, but only once no queued event refers to it: a completion queued for a write held by a fault, then
/// queued again when faults stop, must not complete a later write that took over the same record.
/// </summary>
public sealed class WriteReuseSpecs
{
    private const string Request = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
    private const int Requests = 6;

    private static readonly RequestDelegate Hello = async context =>
    {
        context.Response.Headers["Content-Type"] = "text/plain";
        context.Response.Headers["Content-Length"] = "13";
        await context.Response.WriteAsync(Encoding.ASCII.GetBytes("Hello, World!"));
    };

    [Fact]
    public void Writes_held_by_a_fault_and_released_when_faults_stop_each_complete_once_with_their_bytes()
    {
        var sim = new Simulation(11);
        sim.Options.Faults.WriteHoldChance = 1;
        sim.Options.Faults.WriteHold = (2_000_000, 3_000_000);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect();
        client.RecordWrites = false;
        var completions = new WriteLog();
        sim.Observe(completions);

        // The first response's write is held (for 281 ms on this seed); faults stop at 10 ms, so it is queued again
        // and completes at once, while its first completion event stays queued. The next writes come before that
        // event runs, then after it: only after it may they take over the first write's record.
        client.Send(Request);
        sim.AdvanceBy(TimeSpan.FromMilliseconds(10));
        sim.StopFaults();
        sim.AdvanceBy(TimeSpan.FromMilliseconds(1));
        for (var i = 1; i < Requests; i++)
        {
            client.Send(Request);
            sim.AdvanceBy(TimeSpan.FromMilliseconds(i == 2 ? 1_000 : 1));
        }

        Assert.Equal(Requests, CountOf(client.ReceivedText, "Hello, World!"));
        Assert.Equal(Requests, completions.Completed);
        Assert.True(completions.Reused > 0, "the connection reused a completed write's record");
        Assert.Empty(server.Log.Problems);
        server.Stop();
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Counts completions, and submissions that came in a record seen before.</summary>
    private sealed class WriteLog : Testbed.Transports.Mock.Observation.SimulationObserver
    {
        private readonly HashSet<MockWrite> _seen = new(ReferenceEqualityComparer.Instance);

        public int Completed { get; private set; }

        public int Reused { get; private set; }

        public override void WriteSubmitted(MockWrite write)
        {
            if (!_seen.Add(write))
            {
                Reused++;
            }
        }

        public override void WriteCompleting(MockWrite write, int status)
        {
            Assert.Equal(0, status);
            Completed++;
        }
    }
}
