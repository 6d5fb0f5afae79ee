using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Simulator.Invariants;

/// <summary>
/// <c>handle-lifecycle</c>: the engine uses libuv as libuv allows: no call on a closing or closed handle, one
/// uv_close and one uv_shutdown per handle, no write after shutdown, no read_start twice or after EOF, no accept
/// without a connection, and no callback ever reaches a handle after its close callback.
/// </summary>
internal sealed class HandleLifecycle : InvariantChecker
{
    private readonly HashSet<UvHandle> _closed = new(ReferenceEqualityComparer.Instance);

    public override string Name => "handle-lifecycle";

    public override void Misuse(LibuvMisuse kind, string call, string detail)
    {
        if (kind is not (LibuvMisuse.BuffersChangedInFlight or LibuvMisuse.LoopCloseBusy))
        {
            Fail($"{kind}: {detail}");
        }
    }

    public override void HandleClosed(UvHandle handle) => _closed.Add(handle);

    public override void Callback(UvHandle handle, string callback)
    {
        if (_closed.Contains(handle))
        {
            Fail($"a {callback} callback on a handle after its close callback");
        }
    }
}
