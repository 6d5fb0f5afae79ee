namespace Testbed.Engine.Http;

/// <summary>The guard on the body streams' blocking methods (<see cref="Hosting.TestbedServerOptions.AllowSynchronousIO"/>).</summary>
internal static class SynchronousIO
{
    public static void ThrowIfDisallowed(bool allowed, string asyncMethod)
    {
        if (!allowed)
        {
            throw new InvalidOperationException(
                $"Synchronous operations are disallowed. Call {asyncMethod} or set AllowSynchronousIO to true instead.");
        }
    }
}
