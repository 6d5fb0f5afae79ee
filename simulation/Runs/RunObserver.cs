using Testbed.Simulator.Apps;
using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Runs;

/// <summary>
/// An observer of a whole run: the world's and the engine's typed events (<see cref="SimulationObserver"/>) and,
/// on top, what the run's drivers did: each client's requests and what came back, each app call, and the run's
/// phases. Invariant checkers and the coverage recorder are run observers. Every method does nothing unless
/// overridden.
/// </summary>
public abstract class RunObserver : SimulationObserver
{
    /// <summary>The run this observer watches; set before the first event.</summary>
    protected RunContext Run { get; private set; } = null!;

    internal void Attach(RunContext run) => Run = run;

    /// <summary>A client sent the first bytes of a request.</summary>
    public virtual void RequestSent(ClientExchange exchange)
    {
    }

    /// <summary>A 1xx head arrived for the exchange (the last of its <see cref="ClientExchange.Interims"/>).</summary>
    public virtual void InterimReceived(ClientExchange exchange)
    {
    }

    /// <summary>A whole final response arrived for the exchange.</summary>
    public virtual void ResponseReceived(ClientExchange exchange)
    {
    }

    /// <summary>A client got bytes it could not parse as a response, or that no request accounts for.</summary>
    public virtual void ResponseMalformed(SimulatedClient client, string problem)
    {
    }

    /// <summary>A client's connection is over and every exchange of it is settled.</summary>
    public virtual void ClientEnded(SimulatedClient client)
    {
    }

    public virtual void AppCallStarted(AppCall call)
    {
    }

    /// <summary>An app call returned, or threw <paramref name="exception"/>.</summary>
    public virtual void AppCallEnded(AppCall call, Exception? exception)
    {
    }

    /// <summary>A graceful stop of the server began.</summary>
    public virtual void StopBegan()
    {
    }

    /// <summary>The fault phase is over: faults stopped and held writes were released.</summary>
    public virtual void FaultsEnded()
    {
    }

    /// <summary>The run is over (the server stopped, or the run failed): the last checks.</summary>
    public virtual void RunEnded()
    {
    }
}
