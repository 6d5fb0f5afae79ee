using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Network;

namespace Testbed.Transports.Mock;

/// <summary>What the mock keeps per open handle; the handle's Native slot holds its index in the mock's table.</summary>
internal class HandleState(UvHandle handle, MockLoop loop)
{
    public UvHandle Handle { get; } = handle;

    public MockLoop Loop { get; } = loop;

    public bool Closing { get; set; }
}

internal sealed class AsyncState(UvAsyncHandle handle, MockLoop loop) : HandleState(handle, loop)
{
    public bool Pending { get; set; }
}

internal sealed class TimerState(UvTimerHandle handle, MockLoop loop) : HandleState(handle, loop)
{
    /// <summary>Bumped by every start and stop, so a firing queued earlier knows it is stale.</summary>
    public long Generation { get; set; }

    public long RepeatMs { get; set; }
}

internal sealed class TcpState(UvTcpHandle handle, MockLoop loop) : HandleState(handle, loop)
{
    public int? BoundPort { get; set; }

    public MockListener? Listener { get; set; }

    /// <summary>The accepted connection this handle is the server end of.</summary>
    public SimConnection? Socket { get; set; }
}
