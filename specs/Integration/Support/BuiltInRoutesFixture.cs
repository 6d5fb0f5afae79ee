using Testbed.Cli.Routes;

namespace Testbed.Specs.Integration.Support;

/// <summary>One server with the CLI's built-in routes, shared by the specs of a class.</summary>
public sealed class BuiltInRoutesFixture : IAsyncLifetime
{
    internal LiveServer Server { get; } = new(new BuiltInRoutes(null).HandleAsync);

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
