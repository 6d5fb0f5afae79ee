using System.Text;
using Testbed.Engine.App;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

public sealed class SmokeSpecs
{
    private static readonly RequestDelegate Hello = async context =>
    {
        context.Response.Headers["Content-Type"] = "text/plain";
        await context.Response.WriteAsync(Encoding.ASCII.GetBytes("Hello, World!"));
    };

    [Fact]
    public void Get_plaintext_round_trip()
    {
        var sim = new Simulation(1);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect();
        client.Send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
        sim.RunUntilIdle();
        Assert.Contains("Hello, World!", client.ReceivedText);
        server.Stop();
        Assert.Empty(server.Log.Problems);
    }

    [Fact]
    public void Standard_scenario_serves_every_request()
    {
        var spec = new Testbed.Simulator.Runs.RunSpec("keepalive", 7, new Dictionary<string, long?> { ["connections"] = 10, ["requests"] = 3 });
        var result = Testbed.Simulator.Runs.Runner.Run(spec);
        Assert.True(result.Passed, result.Failure?.Detail);
        Assert.Equal(30, result.Requests);
    }
}
