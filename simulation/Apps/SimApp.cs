using Testbed.Simulator.Clients;
using Testbed.Transports.Mock.Choices;

namespace Testbed.Simulator.Apps;

/// <summary>
/// One app under test, reached at its own path, in one place: how a client asks for it (<see cref="DrawTarget"/>),
/// what it does (<see cref="HandleAsync"/>), and what it will answer (<see cref="Answer"/>), which is what lets a
/// client check every response it gets. Every app is deterministic: its answer follows from the request alone.
/// </summary>
public abstract class SimApp
{
    /// <summary>The path it serves, such as <c>/bytes</c>.</summary>
    public abstract string Path { get; }

    /// <summary>A request target for this app, its parameters drawn from the client's stream.</summary>
    public abstract string DrawTarget(ChoiceStream client, Sizes sizes);

    public abstract Task HandleAsync(AppCall call);

    /// <summary>What <see cref="HandleAsync"/> will do with <paramref name="request"/>.</summary>
    public abstract AppAnswer Answer(RequestPlan request);

    /// <summary>Reads the request body and forgets it, as most apps do before answering.</summary>
    protected static async Task DiscardBodyAsync(AppCall call) => await call.ReadBodyAsync();
}
