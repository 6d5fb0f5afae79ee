namespace Testbed.Engine.Networking;

/// <summary>libuv status codes the engine acts on (Linux values: libuv uses negative errno).</summary>
public static class UvStatus
{
    public const int EOF = -4095;
    public const int ECONNRESET = -104;
    public const int EPIPE = -32;
    public const int ECANCELED = -125;
    public const int EADDRINUSE = -98;
    public const int EBUSY = -16;
    public const int EMFILE = -24;
    public const int ENFILE = -23;
}
