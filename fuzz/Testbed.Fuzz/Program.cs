using SharpFuzz;
using Testbed.Fuzz.Targets;

// Under afl-fuzz (scripts/fuzz.sh) the target runs in SharpFuzz's out-of-process loop, so even an uncatchable
// failure such as a stack overflow is reported as a crash. With a file after the target name, that one input
// runs here and any exception prints: the way to look at a crash AFL saved.
ReadOnlySpanTarget? target = args.FirstOrDefault() switch
{
    "head" => HeadTarget.Run,
    "chunked" => ChunkedTarget.Run,
    _ => null,
};

if (target is null || args.Length > 2)
{
    Console.Error.WriteLine("usage: Testbed.Fuzz head|chunked [input-file]");
    return 2;
}

if (args.Length == 2)
{
    target(File.ReadAllBytes(args[1]));
    Console.WriteLine("ok: no crash");
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;

/// <summary>A fuzz target: one input in, an exception out when something is wrong.</summary>
internal delegate void ReadOnlySpanTarget(ReadOnlySpan<byte> data);
