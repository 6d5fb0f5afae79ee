namespace Testbed.Simulator.Apps;

/// <summary>How an app breaks its own response, on purpose.</summary>
public enum AppFault
{
    None,

    /// <summary>Throws before anything is written: the engine answers 500 and keeps the connection.</summary>
    ThrowBeforeStart,

    /// <summary>Throws after the head went out: the engine must abort, never finish the response.</summary>
    ThrowAfterStart,

    /// <summary>Declares a Content-Length and writes fewer bytes: the engine must abort.</summary>
    TooShort,

    /// <summary>Declares a Content-Length and writes more: the write that passes it throws, and the engine aborts.</summary>
    TooLong,

    /// <summary>Declares a Content-Length and writes nothing at all: the engine answers 500 instead.</summary>
    DeclaredNothingWritten,
}

/// <summary>
/// What an app will do with one request, known before it is sent: the first half of the client's oracle (the
/// second is the engine's framing rules, <see cref="Clients.ResponseOracle"/>).
/// </summary>
public sealed record AppAnswer
{
    public int Status { get; init; } = 200;

    /// <summary>Fields the app sets itself, other than Content-Length.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The Content-Length the app declares, or null.</summary>
    public long? DeclaredLength { get; init; }

    /// <summary>Every body byte the app writes, in order (before a fault cuts it short).</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>Whether the app starts the response (a write or a flush) before it returns; decides Content-Length: 0 against chunked.</summary>
    public bool StartsBeforeReturning { get; init; }

    /// <summary>Whether the app reads the request body; one that does not leaves it for the engine to drain.</summary>
    public bool ReadsBody { get; init; } = true;

    public AppFault Fault { get; init; }

    /// <summary>Virtual time the app waits, in all.</summary>
    public TimeSpan Delay { get; init; }
}
