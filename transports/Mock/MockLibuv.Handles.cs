using Testbed.Engine.Networking;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Transports.Mock;

/// <summary>Close, async and timer handles.</summary>
public sealed partial class MockLibuv
{
    public void Close(UvHandle handle)
    {
        var state = State<HandleState>(handle, "uv_close");
        if (state.Closing)
        {
            _simulation.Misuse(LibuvMisuse.CloseTwice, "uv_close", $"uv_close on {Id(handle)}, which is already closing");
            throw new SimulationException("uv_close called twice");
        }

        state.Closing = true;
        Trace.Add($"uv.close {Id(handle)}");
        _simulation.Notify(ObserverCall.HandleClosing, static (o, h) => o.HandleClosing(h), handle);
        if (state is TimerState timer)
        {
            timer.Generation++;
        }

        if (state is TcpState tcp)
        {
            tcp.Socket?.StopReading();
            _simulation.Network.Unbind(tcp);
        }

        // libuv runs close callbacks in a later phase of the loop, never inside uv_close.
        _simulation.Enqueue(0, EventKind.Io, _ => FinishClose(state), null);
    }

    public void AsyncInit(UvLoopHandle loop, UvAsyncHandle handle)
    {
        Register(handle, new AsyncState(handle, LoopOf(loop)));
        Trace.Add($"uv.async_init {Id(loop)} {Id(handle)}");
    }

    public void AsyncSend(UvAsyncHandle handle)
    {
        var state = State<AsyncState>(handle, "uv_async_send");
        if (state.Pending)
        {
            // Sends before the callback runs coalesce into one callback, as in libuv.
            Trace.Add($"uv.async_send {Id(handle)} coalesced");
            return;
        }

        state.Pending = true;
        Trace.Add($"uv.async_send {Id(handle)}");
        _simulation.Enqueue(0, EventKind.Io, _fireAsync, state);
    }

    public void TimerInit(UvLoopHandle loop, UvTimerHandle timer)
    {
        Register(timer, new TimerState(timer, LoopOf(loop)));
        Trace.Add($"uv.timer_init {Id(loop)} {Id(timer)}");
    }

    public void TimerStart(UvTimerHandle timer, long timeoutMs, long repeatMs)
    {
        var state = State<TimerState>(timer, "uv_timer_start");
        state.Generation++;
        state.RepeatMs = repeatMs;
        Trace.Add($"uv.timer_start {Id(timer)} timeout={timeoutMs} repeat={repeatMs}");
        ArmTimer(state, timeoutMs);
    }

    public void TimerStop(UvTimerHandle timer)
    {
        State<TimerState>(timer, "uv_timer_stop").Generation++;
        Trace.Add($"uv.timer_stop {Id(timer)}");
    }

    /// <summary>Queues the timer's next firing; an injected fault can make it late, as on a loop busy with other work.</summary>
    private void ArmTimer(TimerState state, long delayMs)
    {
        var generation = state.Generation;
        var delay = delayMs * 1000;
        var faults = _simulation.Stream(Simulation.FaultStream);
        if (faults.Chance("timer.late", _simulation.FaultChance(_simulation.Options.Faults.LateTimerChance)))
        {
            delay += faults.Between("timer.late_by", _simulation.Options.Faults.TimerLateness);
            _simulation.Notify(ObserverCall.FaultInjected, static (o, _) => o.FaultInjected(WorldFault.TimerLate, null), 0);
        }

        _simulation.Enqueue(delay, EventKind.Timer, _ => FireTimer(state, generation), null);
    }

    private void FireTimer(TimerState state, long generation)
    {
        if (state.Generation != generation || state.Closing)
        {
            return;
        }

        if (state.RepeatMs > 0)
        {
            ArmTimer(state, state.RepeatMs);
        }

        Trace.Add($"cb.timer {Id(state.Handle)}");
        NotifyCallback(state.Handle, "timer");
        ((UvTimerHandle)state.Handle).OnTimer();
    }

    private void FireAsync(AsyncState state)
    {
        state.Pending = false;
        if (state.Closing)
        {
            return;
        }

        Trace.Add($"cb.async {Id(state.Handle)}");
        NotifyCallback(state.Handle, "async");
        ((UvAsyncHandle)state.Handle).OnAsync();
    }

    private void FinishClose(HandleState state)
    {
        if (state is TcpState { Socket: { } socket })
        {
            socket.OnServerClosed();
        }

        var handle = state.Handle;
        _handles[(int)handle.Native - 1] = null;
        state.Loop.Handles.Remove(handle);
        handle.Native = 0;
        Trace.Add($"cb.close {Id(handle)}");
        Trace.Forget(handle);
        _simulation.Notify(ObserverCall.HandleClosed, static (o, h) => o.HandleClosed(h), handle);
        handle.OnClosed();
    }
}
