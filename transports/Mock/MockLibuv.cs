using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock;

/// <summary>
/// <see cref="ILibuv"/> as a deterministic simulation: every call and callback is an event on the
/// <see cref="Simulation"/>'s queue and a line in its trace. It keeps the libuv semantics the engine relies on:
/// async sends coalesce, close callbacks run on a later turn, a stream's writes complete in order and are
/// cancelled by close before its close callback, loop close fails with EBUSY while handles remain, and a read
/// of 0 bytes is not EOF. What libuv refuses (a second shutdown, a write after shutdown, a call on a closed
/// handle) it refuses too, and reports as a misuse to the simulation's observers.
/// </summary>
public sealed partial class MockLibuv : ILibuv
{
    private readonly Simulation _simulation;
    private readonly List<HandleState?> _handles = [];
    private readonly List<MockLoop> _loops = [];

    private readonly Action<object?> _fireAsync;

    internal MockLibuv(Simulation simulation)
    {
        _simulation = simulation;
        _fireAsync = state => FireAsync((AsyncState)state!);
    }

    private SimulationTrace Trace => _simulation.Trace;

    /// <summary>The loop's open handles (closing ones included) in creation order, as <c>uv_walk</c> visits them.</summary>
    public IReadOnlyList<UvHandle> Walk(UvLoopHandle loop) => LoopOf(loop).Handles;

    /// <summary>Handles open on any loop: zero after a clean shutdown.</summary>
    public int OpenHandles => _loops.Sum(l => l.Handles.Count);

    /// <summary>True once every loop started has run its teardown and closed.</summary>
    public bool AllLoopsClosed => _loops.All(l => l.Closed);

    public string ErrName(int status) => UvErrors.Name(status);

    public string StrError(int status) => UvErrors.Message(status);

    private string Id(UvHandle handle) => Trace.Id(handle, handle switch
    {
        UvAsyncHandle => "a",
        UvTimerHandle => "t",
        _ => "h",
    });

    private string Id(UvLoopHandle loop) => Trace.Id(loop, "L");

    private void Register(UvHandle handle, HandleState state)
    {
        _simulation.AssertOnSimulationThread("uv_*_init");
        Simulation.Check(handle.Native == 0, "handle initialised twice");
        _handles.Add(state);
        handle.Native = _handles.Count;
        state.Loop.Handles.Add(handle);
    }

    private T State<T>(UvHandle handle, string call)
        where T : HandleState
    {
        _simulation.AssertOnSimulationThread("a libuv call");
        var index = (int)handle.Native - 1;
        if (index < 0 || index >= _handles.Count || _handles[index] is not T state)
        {
            _simulation.Misuse(LibuvMisuse.CallOnClosedHandle, call, $"{call} on a handle that is not open");
            throw new SimulationException($"{call} on a handle that is not open");
        }

        return state;
    }

    private MockLoop LoopOf(UvLoopHandle loop)
    {
        _simulation.AssertOnSimulationThread("a libuv loop call");
        var index = (int)loop.Native - 1;
        Simulation.Check(index >= 0 && index < _loops.Count, "loop not initialised");
        return _loops[index];
    }

    /// <summary>Tells observers about a callback into the engine on <paramref name="handle"/>.</summary>
    private void NotifyCallback(UvHandle handle, string callback) =>
        _simulation.Notify(ObserverCall.Callback, static (o, a) => o.Callback(a.Handle, a.Callback), (Handle: handle, Callback: callback));

    private static UvException Error(string call, int status) =>
        new(call, status, UvErrors.Name(status), UvErrors.Message(status));
}
