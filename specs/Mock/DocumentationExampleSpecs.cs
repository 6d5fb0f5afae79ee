using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;

namespace Testbed.Specs.Mock;

/// <summary>The examples in docs/simulation.md and the README, kept true by running them.</summary>
public sealed class DocumentationExampleSpecs
{
    [Fact]
    public void The_summary_line_the_README_shows_for_seed_3_is_the_one_it_prints()
    {
        var readme = File.ReadAllLines(Path.Combine(Testbed.Specs.Support.RepositoryRoot.Path, "README.md"));
        var shown = readme[Array.IndexOf(readme, "$ scripts/testbed simulate --seed 3") + 1];

        var result = Testbed.Simulator.Runs.Runner.Run(new Testbed.Simulator.Runs.RunSpec("http", 3), new Testbed.Simulator.Runs.RunOptions { Trace = true });

        Assert.Equal(result.Summary(), shown);
    }

    [Fact]
    public void The_spec_written_in_the_simulation_guide_passes()
    {
        var sim = new Simulation(seed: 1);
        var server = SimulatedServer.Start(sim, async context =>
        {
            await context.Response.WriteAsync("Hello"u8.ToArray());
        });

        var client = server.Connect(holdWrites: true);       // the spec decides when writes complete
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", Fragmentation.EveryByte);
        sim.RunUntilIdle();                                   // everything but timers runs

        var write = Assert.Single(client.WritesInFlight);     // exactly one uv_write, still in flight
        write.Complete();                                     // or write.Complete(UvStatus.ECONNRESET)
        sim.RunUntilIdle();
        Assert.StartsWith("HTTP/1.1 200 OK", client.ReceivedText);

        sim.AdvanceBy(TimeSpan.FromSeconds(131));             // the 130 s keep-alive timeout, checked each second
        Assert.True(client.ServerFinished);

        server.Stop();                                        // graceful stop; asserts every handle and loop closed
        Assert.Empty(server.Log.Problems);                    // no warnings or errors were logged
    }
}
