using System.Text;
using Testbed.Engine.App;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Hosting;

namespace Testbed.Specs.Mock;

/// <summary>SimConnection.RecordWrites: long runs can stop keeping every write without changing what the client sees.</summary>
public sealed class WriteRecordingSpecs
{
    private const string Request = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";

    private static readonly RequestDelegate Hello = async context =>
    {
        context.Response.Headers["Content-Type"] = "text/plain";
        await context.Response.WriteAsync(Encoding.ASCII.GetBytes("Hello, World!"));
    };

    [Fact]
    public void Recorded_writes_hold_exactly_the_bytes_the_client_received()
    {
        var sim = new Simulation(3);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect();
        client.Send(Request);
        sim.RunUntilIdle();

        Assert.NotEmpty(client.Writes);
        Assert.Equal(client.Writes.SelectMany(w => w.Bytes), client.Received);
        server.Stop();
    }

    [Fact]
    public void Unverified_recorded_writes_also_hold_exactly_the_bytes_the_client_received()
    {
        var sim = new Simulation(3, new SimulationOptions { VerifyWriteBuffers = false });
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect();
        client.Send(Request + Request);
        sim.RunUntilIdle();

        Assert.NotEmpty(client.Writes);
        Assert.Equal(client.Writes.SelectMany(w => w.Bytes), client.Received);
        Assert.Equal(2, client.ReceivedText.Split("Hello, World!").Length - 1);
        server.Stop();
    }

    [Fact]
    public void Unrecorded_writes_are_delivered_the_same_and_not_kept()
    {
        var recorded = Serve(record: true);
        var unrecorded = Serve(record: false);

        Assert.Empty(unrecorded.Client.Writes);
        Assert.Contains("Hello, World!", unrecorded.Client.ReceivedText, StringComparison.Ordinal);
        Assert.Equal(recorded.Client.ReceivedText, unrecorded.Client.ReceivedText);
        Assert.Equal(recorded.Trace, unrecorded.Trace);
    }

    [Fact]
    public void An_unrecorded_write_in_flight_does_not_offer_its_bytes()
    {
        var sim = new Simulation(5);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect(holdWrites: true);
        client.RecordWrites = false;
        client.Send(Request);
        sim.RunUntilIdle();

        var write = Assert.Single(client.WritesInFlight);
        Assert.Throws<InvalidOperationException>(() => write.Bytes);
        write.Complete();
        sim.RunUntilIdle();
        Assert.Contains("Hello, World!", client.ReceivedText, StringComparison.Ordinal);
        server.Stop();
    }

    private static (Testbed.Transports.Mock.Network.SimConnection Client, string Trace) Serve(bool record)
    {
        var sim = new Simulation(4);
        var server = SimulatedServer.Start(sim, Hello);
        var client = server.Connect();
        client.RecordWrites = record;
        client.Send(Request);
        sim.RunUntilIdle();
        server.Stop();
        return (client, sim.Trace.ToString());
    }
}
