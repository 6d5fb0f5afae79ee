using System.Globalization;
using Testbed.Engine.App;
using Testbed.Simulator.Faults;
using Testbed.Simulator.Runs;
using Testbed.Simulator.Scenarios;
using Testbed.Transports.Mock;
using Testbed.Transports.Mock.Choices;
using Testbed.Transports.Mock.Hosting;
using Testbed.Transports.Mock.Network;
using Testbed.Transports.Recording;

namespace Testbed.Simulator.Recordings;

/// <summary>One recorded connection as the replay plans it: where and when it was accepted, what the client sent, what the server wrote.</summary>
public sealed record RecordedConnectionPlan(int Connection, int Loop, long AcceptMicros, int Reads, long BytesIn, bool ClientFin, bool ClientReset, int Writes, long BytesOut);

/// <summary>
/// The <c>recording</c> scenario: a recording of a real server (<c>testbed serve --record</c>) played against the
/// unchanged engine on the mock, with the recording's loops and settings and an app the caller supplies. Each
/// connection connects at its accept time to its recorded loop; each read's bytes arrive at their recorded time, a
/// FIN or a reset at its; each write the server makes completes when the recorded write holding its last byte did,
/// with its status (<see cref="RecordingMatch"/>). Every invariant of the sweep watches the run, and
/// <c>matches-recording</c> compares the output with the recording when it ends.
/// </summary>
/// <remarks>
/// The run draws one choice per connection and one per client step from the stream <c>replay</c>: 1 keeps it, 0
/// drops it. A plain replay keeps everything (<see cref="DefaultChoices"/>); a case's forced choices can drop what a
/// failure does not need, which is how a shrink makes a recording smaller. The scenario keeps its last run's
/// comparison (<see cref="LastReport"/>), so one instance is not for runs on several threads at once.
/// </remarks>
public sealed class RecordingScenario : Scenario
{
    /// <summary>The scenario's name in a spec.</summary>
    public const string ScenarioName = "recording";

    /// <summary>The invariant a replay whose output differs from the recording's breaks (checked when the run ends, after every other).</summary>
    public const string MatchInvariant = RecordingMatch.InvariantName;

    /// <summary>The stream the keep-or-drop choices come from.</summary>
    public const string ChoiceStreamName = "replay";

    private readonly IReadOnlyList<RecordedConnection> _connections;
    private RecordingMatch? _last;

    /// <summary>Plans the replay of <paramref name="recording"/> against <paramref name="app"/>; <see cref="RecordingReplayException"/> when it cannot be replayed.</summary>
    public RecordingScenario(Recording recording, RequestDelegate app)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(app);
        Recording = recording;
        App = app;
        Settings = ReplaySettings.Of(recording.Header);
        _connections = RecordedConnection.Of(recording);
        Spec = new RunSpec(ScenarioName, Fingerprint(recording));
        Plan = [.. _connections.Select(c => new RecordedConnectionPlan(
            c.Id,
            c.Loop,
            c.AcceptAt,
            c.Steps.Count(s => s.Kind == RecordedKind.Read),
            c.Steps.Sum(s => (long)(s.Bytes?.Length ?? 0)),
            c.Steps.Any(s => s.Kind == RecordedKind.Eof),
            c.Steps.Any(s => s.Kind == RecordedKind.ReadError),
            c.Writes.Count,
            c.OutputLength))];
    }

    public Recording Recording { get; }

    public RequestDelegate App { get; }

    /// <summary>The server's loops and settings, from the recording's header.</summary>
    public ReplaySettings Settings { get; }

    /// <summary>The recorded connections, in accept order.</summary>
    public IReadOnlyList<RecordedConnectionPlan> Plan { get; }

    /// <summary>The spec of this recording's replay: the scenario, and as the seed a hash of the recording's lines (so two recordings' cases get two names).</summary>
    public RunSpec Spec { get; }

    /// <summary>The comparison of the last run, as far as it went (a run stopped by an invariant compares what was written until then).</summary>
    public ReplayReport? LastReport => _last?.Report();

    public override string Name => ScenarioName;

    public override string Description => "A recording of a real server replayed against the engine: every invariant, and the output compared with the recorded one";

    public override IReadOnlyList<KnobDraw> Knobs { get; } = [KnobDraw.Fixed(Faults.Knobs.MaxEvents, 50_000_000)];

    /// <summary>A plain replay keeps every connection and every client step; other streams (drawn only by faults, which are off) are the seed's.</summary>
    public override IChoiceSource DefaultChoices(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new KeepEverything(spec.Seed);
    }

    /// <summary>Runs the replay: <see cref="Runner.Run(Scenario, RunSpec, RunOptions?)"/> with this recording's spec.</summary>
    public RunResult Replay(RunOptions? options = null) => Runner.Run(this, Spec, options);

    public override void Run(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var simulation = run.Simulation;

        // The virtual clock reads the recording's wall time, so the Date headers are the recorded ones.
        simulation.Options.Epoch = Recording.Header.Started;
        var origin = simulation.NowMicros;
        run.StartServer(App, Settings.ApplyTo);
        var played = Choose(simulation.Stream(ChoiceStreamName));
        var match = new RecordingMatch(played, origin, Recording.Header.Bodies == RecordBodies.Full);
        _last = match;
        run.AddObserver(match);

        var timeline = played.Where(p => p.Kept)
            .SelectMany(p => p.Steps.Select(s => (Micros: s.Micros, Connection: p, Step: (ClientStep?)s)).Prepend((Micros: p.Recorded.AcceptAt, Connection: p, Step: (ClientStep?)null)))
            .OrderBy(t => t.Micros)
            .ToList();
        var next = 0;
        void PlayNext()
        {
            if (next < timeline.Count)
            {
                var due = origin + timeline[next].Micros;
                simulation.Enqueue(Math.Max(0, due - simulation.NowMicros), EventKind.Timer, _ =>
                {
                    var (_, connection, step) = timeline[next++];
                    Play(simulation, match, connection, step);
                    PlayNext();
                }, null);
            }
        }

        PlayNext();
        var end = Recording.Events.Count == 0 ? 0 : Recording.Events[^1].Micros;
        simulation.TryRunUntil(() => next >= timeline.Count && simulation.NowMicros >= origin + end, TimeSpan.FromMicroseconds(Math.Max(0, origin + end - simulation.NowMicros) + 1), out _);

        // The recording ends here: the stop begins where its last event was.
        run.EndFaults();
        run.StopServer(run.ServerOptions.ShutdownTimeout + TimeSpan.FromSeconds(5));
    }

    /// <summary>The lines of <paramref name="recording"/> as its file holds them (header, events, footer), each ending in '\n'.</summary>
    public static string Format(Recording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        using var stream = new MemoryStream();
        RecordingLines.WriteHeader(stream, recording.Header);
        foreach (var recorded in recording.Events)
        {
            RecordingLines.WriteEvent(stream, recorded);
        }

        if (recording.Footer is not null)
        {
            RecordingLines.WriteFooter(stream, recording.Footer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ulong Fingerprint(Recording recording) =>
        ulong.Parse(OutputHash.Of(System.Text.Encoding.UTF8.GetBytes(Format(recording))), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>Keep or drop each connection, then each of its client steps: 1 keeps, 0 (the simplest) drops.</summary>
    private List<ReplayedConnection> Choose(ChoiceStream stream)
    {
        var played = new List<ReplayedConnection>(_connections.Count);
        foreach (var connection in _connections)
        {
            if (stream.Choose("keep.connection", 2) == 0)
            {
                played.Add(new ReplayedConnection(connection, false, [], 0, null));
                continue;
            }

            var steps = new List<ClientStep>(connection.Steps.Count);
            long? firstDropped = null;
            foreach (var step in connection.Steps)
            {
                if (stream.Choose("keep.step", 2) == 1)
                {
                    steps.Add(step);
                }
                else
                {
                    firstDropped ??= step.Micros;
                }
            }

            played.Add(new ReplayedConnection(connection, true, steps, connection.Steps.Count - steps.Count, firstDropped));
        }

        return played;
    }

    /// <summary>One client action at its time: connect to the recorded loop, send a read's bytes, half-close, or reset.</summary>
    private static void Play(Simulation simulation, RecordingMatch match, ReplayedConnection connection, ClientStep? step)
    {
        if (step is null)
        {
            match.Connected(connection, simulation.Network.ConnectTo(SimulatedServer.Port, connection.Recorded.Loop, holdWrites: true));
            return;
        }

        var wire = connection.Wire!;
        if (wire.ClientReset || connection.ClientFinished)
        {
            return;
        }

        switch (step.Kind)
        {
            case RecordedKind.Read:
                wire.Send(step.Bytes!, Fragmentation.Whole);
                break;
            case RecordedKind.Eof:
                connection.ClientFinished = true;
                wire.HalfClose();
                break;
            default:
                wire.Reset();
                break;
        }
    }

    /// <summary>Every replay choice at its highest (keep), every other stream the seed's.</summary>
    private sealed class KeepEverything(ulong seed) : IChoiceSource
    {
        private readonly SeededChoices _seeded = new(seed);

        public IChoiceSequence Open(string stream) => stream == ChoiceStreamName ? new Highest() : _seeded.Open(stream);

        private sealed class Highest : IChoiceSequence
        {
            public long Next(string decision, long exclusiveMax) => exclusiveMax - 1;
        }
    }
}
