using Testbed.Engine.Networking;

namespace Testbed.Transports.Mock;

/// <summary>The mock's view of one libuv loop: its handles in creation order and whether uv_run is still going.</summary>
internal sealed class MockLoop(UvLoopHandle handle, string name, Action teardown)
{
    public UvLoopHandle Handle { get; } = handle;

    public string Name { get; } = name;

    public Action Teardown { get; } = teardown;

    /// <summary>Handles not yet closed (closing ones included), in creation order: what <c>uv_walk</c> visits.</summary>
    public List<UvHandle> Handles { get; } = [];

    public bool Initialised { get; set; }

    public bool StopRequested { get; set; }

    public bool Running { get; set; } = true;

    public bool Closed { get; set; }
}
