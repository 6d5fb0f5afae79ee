using Microsoft.Extensions.Logging;
using Testbed.Engine.Connections;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;
using Testbed.Simulator.Clients;
using Testbed.Simulator.Invariants;
using Testbed.Transports.Mock.Observation;

namespace Testbed.Specs.Simulator;

/// <summary>
/// Each invariant fires on the event that breaks its rule, fed to it in a real little world (the default sweep's
/// spec shows they all hold on a healthy engine; scripts/mutants.sh shows them catching planted engine bugs).
/// </summary>
public sealed class InvariantSpecs
{
    [Fact]
    public void Write_completes_once_fires_on_a_release_of_a_write_that_never_waited()
    {
        var h = CheckerHarness.For(new WriteCompletesOnce());

        Assert.Contains("no write ending there was waiting", h.Fires(() => h.Checker.WriteReleased(1, 999, aborted: false)), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_completes_once_fires_at_the_end_for_a_waiter_nobody_released()
    {
        var h = CheckerHarness.For(new WriteCompletesOnce());
        h.Checker.WriteAccepted(1, 10, 500, WriteOutcome.Waiting);

        Assert.Contains("1 writes never completed", h.Fires(h.Checker.RunEnded), StringComparison.Ordinal);
    }

    [Fact]
    public void Output_budget_fires_when_a_write_completes_at_once_with_more_than_the_budget_ahead_of_the_socket()
    {
        var h = CheckerHarness.For(new OutputBudget());

        Assert.Contains("over the budget of 65536", h.Fires(() => h.Checker.WriteAccepted(1, 100_000, 100_000, WriteOutcome.PreCompleted)), StringComparison.Ordinal);
    }

    [Fact]
    public void Output_budget_fires_when_a_release_lets_more_than_the_budget_run_ahead()
    {
        var h = CheckerHarness.For(new OutputBudget());

        h.Fires(() => h.Checker.WriteReleased(1, 200_000, aborted: false));
        h.Checker.WriteReleased(1, 200_000, aborted: true); // An abort lets every waiter go, budget or not.
    }

    [Fact]
    public void Waiters_fifo_fires_when_a_later_waiter_is_released_first()
    {
        var h = CheckerHarness.For(new WaitersFifo());
        h.Checker.WriteAccepted(1, 10, 1000, WriteOutcome.Waiting);
        h.Checker.WriteAccepted(1, 10, 2000, WriteOutcome.Waiting);

        Assert.Contains("released before the write ending at 1000", h.Fires(() => h.Checker.WriteReleased(1, 2000, aborted: false)), StringComparison.Ordinal);
    }

    [Fact]
    public void Waiters_fifo_fires_when_a_write_completes_at_once_past_one_still_waiting()
    {
        var h = CheckerHarness.For(new WaitersFifo());
        h.Checker.WriteAccepted(1, 10, 1000, WriteOutcome.Waiting);

        h.Fires(() => h.Checker.WriteAccepted(1, 10, 1010, WriteOutcome.PreCompleted));
    }

    [Fact]
    public void Writes_in_flight_fires_at_a_fourth_uv_write_in_flight()
    {
        var h = CheckerHarness.For(new WritesInFlight(), holdWrites: true);
        var held = Assert.Single(h.Client.WritesInFlight);
        h.Checker.WriteSubmitted(held);
        h.Checker.WriteSubmitted(held);

        Assert.Contains("4 uv_writes in flight", h.Fires(() => h.Checker.WriteSubmitted(held)), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_buffers_stable_fires_when_the_mock_finds_a_write_changed_in_flight()
    {
        var h = CheckerHarness.For(new WriteBuffersStable());

        h.Fires(() => h.Checker.Misuse(LibuvMisuse.BuffersChangedInFlight, "uv_write", "changed"));
        h.Checker.Misuse(LibuvMisuse.ShutdownTwice, "uv_shutdown", "not this checker's");
    }

    [Fact]
    public void Input_backpressure_fires_on_a_read_while_the_input_is_full()
    {
        var h = CheckerHarness.For(new InputBackpressure());
        h.Checker.InputRead(1, 4096, paused: true);

        Assert.Contains("the engine did not stop reading", h.Fires(() => h.Checker.ReadDelivered(h.Client, 100, 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Input_backpressure_fires_when_reading_does_not_start_again_after_a_resume()
    {
        var h = CheckerHarness.For(new InputBackpressure());
        h.Checker.InputRead(1, 4096, paused: true);
        h.Checker.InputResumed(1);

        Assert.Contains("never started again", h.Fires(() => h.Checker.ReadDelivered(h.Client, 100, 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void End_transitions_fires_on_a_step_taken_twice_or_out_of_order()
    {
        var h = CheckerHarness.For(new EndTransitions());
        h.Checker.EndTransition(1, "Open", "Shutdown");

        h.Fires(() => h.Checker.EndTransition(1, "Open", "Shutdown"));
        h.Fires(() => h.Checker.EndTransition(1, "Disconnected", "Shutdown"));
    }

    [Fact]
    public void Handle_lifecycle_fires_on_a_second_uv_shutdown_which_the_mock_refuses_with_enotconn_as_libuv_does()
    {
        var h = CheckerHarness.For(new HandleLifecycle());
        var stream = h.Client.ServerHandle!;
        h.Sim.Libuv.Shutdown(new UvShutdownReq(stream.Loop), stream);

        Assert.Contains("a second uv_shutdown", h.Fires(() => h.Sim.Libuv.Shutdown(new UvShutdownReq(stream.Loop), stream)), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_lifecycle_fires_on_a_callback_after_the_close_callback()
    {
        var h = CheckerHarness.For(new HandleLifecycle());
        var stream = h.Client.ServerHandle!;
        h.Checker.HandleClosed(stream);

        h.Fires(() => h.Checker.Callback(stream, "read"));
    }

    [Fact]
    public void Clean_stop_fires_when_a_loop_is_closed_with_handles_open()
    {
        var h = CheckerHarness.For(new CleanStop());

        h.Fires(() => h.Checker.Misuse(LibuvMisuse.LoopCloseBusy, "uv_loop_close", "2 handles open"));
    }

    [Fact]
    public void Pool_blocks_returned_fires_when_a_block_is_still_rented_after_the_stop()
    {
        var h = CheckerHarness.For(new PoolBlocksReturned());
        using var leaked = h.Run.Server.Server.Memory.RentBlock();
        h.Run.StopServer(TimeSpan.FromSeconds(10));

        Assert.Equal("1 pool blocks still rented after the stop", h.Fires(h.Checker.RunEnded));
    }

    [Fact]
    public void Continue_rules_fires_on_a_100_continue_to_http_1_0()
    {
        var h = CheckerHarness.For(new ContinueRules());
        var exchange = new SimulatedClient(h.Run, "k9", Scripts.One(new RequestPlan { Id = "k9.1", Method = "POST", Target = "/plain", App = new Testbed.Simulator.Apps.PlainApp(), Http10 = true, ExpectContinue = true })).Exchanges[0];
        exchange.Interims.Add(new ParsedResponse(100, [], []));

        Assert.Contains("to an HTTP/1.0 client", h.Fires(() => h.Checker.InterimReceived(exchange)), StringComparison.Ordinal);
    }

    [Fact]
    public void One_response_per_request_fires_on_bytes_that_are_no_response()
    {
        var h = CheckerHarness.For(new OneResponsePerRequest());
        var client = new SimulatedClient(h.Run, "k9", Scripts.One(new RequestPlan { Id = "k9.1", Method = "GET", Target = "/plain", App = new Testbed.Simulator.Apps.PlainApp() }));

        Assert.Equal("k9: bad status line", h.Fires(() => h.Checker.ResponseMalformed(client, "bad status line")));
    }

    [Fact]
    public void One_response_per_request_fires_on_a_close_without_a_response_that_nothing_explains()
    {
        var h = CheckerHarness.For(new OneResponsePerRequest());
        var client = new SimulatedClient(h.Run, "k9", Scripts.One(new RequestPlan { Id = "k9.1", Method = "GET", Target = "/plain", App = new Testbed.Simulator.Apps.PlainApp() }));
        client.Exchanges[0].State = ExchangeState.Unanswered;
        client.Exchanges[0].SentAt = 0;

        Assert.Contains("nothing in the run explains it", h.Fires(() => h.Checker.ClientEnded(client)), StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_log_fires_on_a_warning_nothing_planted_explains()
    {
        var h = CheckerHarness.For(new QuietLog());

        h.Checker.Logged(LogLevel.Debug, new EventId(13), "a reset: the network's weather", null, []);
        Assert.Contains("nothing planted explains it", h.Fires(() => h.Checker.Logged(LogLevel.Warning, new EventId(4), "Accept failed", null, [])), StringComparison.Ordinal);
    }

    [Fact]
    public void Timeouts_on_time_fires_on_a_keep_alive_timeout_long_before_its_time()
    {
        var h = CheckerHarness.For(new TimeoutsOnTime());

        Assert.Contains("before its 130 s", h.Fires(() => h.Checker.TimedOut(1, ConnectionTimeout.KeepAlive)), StringComparison.Ordinal);
    }

    [Fact]
    public void Response_rate_fires_on_an_abort_for_a_slow_reader_that_the_rule_does_not_condemn()
    {
        var h = CheckerHarness.For(new ResponseRate());

        Assert.Contains("aborted as too slow a reader", h.Fires(() => h.Checker.Aborting(1, AbortReason.ResponseTooSlow)), StringComparison.Ordinal);
    }

    [Fact]
    public void Cut_off_on_time_fires_on_a_body_rate_timeout_inside_its_grace_period()
    {
        var h = CheckerHarness.For(new CutOffOnTime());
        h.Checker.RequestStarted(1, "POST", "/");

        Assert.Contains("within its 5 s grace period", h.Fires(() => h.Checker.TimedOut(1, ConnectionTimeout.RequestBody)), StringComparison.Ordinal);
    }

    [Fact]
    public void Cut_off_on_time_fires_on_a_408_for_the_body_inside_its_grace_period()
    {
        var h = CheckerHarness.For(new CutOffOnTime());
        h.Checker.RequestStarted(1, "POST", "/");

        Assert.Contains("a 408 for the body's rate", h.Fires(() => h.Checker.ResponseStarted(1, 408)), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_limits_fires_on_a_refusal_under_the_connection_limit()
    {
        var h = CheckerHarness.For(new ConnectionLimits());

        Assert.Contains("under MaxConcurrentConnections of unlimited", h.Fires(() => h.Checker.ConnectionRefused()), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_limits_fires_on_a_kernel_refusal_with_no_descriptor_shortage()
    {
        var h = CheckerHarness.For(new ConnectionLimits());

        Assert.Contains("ran short of descriptors never", h.Fires(() => h.Checker.ClientRefused(h.Client)), StringComparison.Ordinal);
    }

    [Fact]
    public void Liveness_fires_when_a_connection_whose_read_failed_is_left_open_past_a_heartbeat()
    {
        var h = CheckerHarness.For(new Liveness());
        h.Checker.ReadEnded(h.Client, UvStatus.ECONNRESET);

        var violation = Assert.Throws<Testbed.Transports.Mock.InvariantViolation>(() => h.Sim.AdvanceBy(TimeSpan.FromSeconds(3)));
        Assert.Equal("liveness", violation.Invariant);
        Assert.Contains("its read failed", violation.Detail, StringComparison.Ordinal);
    }
}
