using System.Buffers;
using Testbed.Engine.Http;
using Testbed.Engine.Http.Parsing;
using Testbed.Engine.Infrastructure;

namespace Testbed.Fuzz.Targets;

/// <summary>What one <see cref="RequestHeadParser.TryParse"/> call decided, in a form that compares by value.</summary>
internal sealed record HeadOutcome(
    string Kind,
    int Status = 0,
    long Consumed = 0,
    string? Method = null,
    string? Target = null,
    HttpVersion Version = default,
    int HeaderCount = 0,
    string? Headers = null,
    long? ContentLength = null,
    bool IsChunked = false,
    bool KeepAlive = false,
    bool ExpectContinue = false)
{
    public const string Parsed = "parsed";
    public const string Incomplete = "incomplete";
    public const string Rejected = "rejected";

    /// <summary>Parses <paramref name="buffer"/>; a <see cref="BadHttpRequestException"/> is an outcome, any other exception escapes.</summary>
    public static HeadOutcome Of(in ReadOnlySequence<byte> buffer, ServerLimits limits)
    {
        try
        {
            var head = new RequestHead();
            if (!RequestHeadParser.TryParse(buffer, limits, head, out var consumed))
            {
                OracleException.Same(buffer.Start, consumed, "an incomplete head must consume nothing");
                return new HeadOutcome(Incomplete);
            }

            return new HeadOutcome(
                Parsed,
                Consumed: buffer.Slice(0, consumed).Length,
                Method: head.Method,
                Target: head.Target,
                Version: head.Version,
                HeaderCount: head.Headers.Count,
                Headers: string.Join("\n", head.Headers.Select(f => $"{f.Key}: {f.Value}")),
                ContentLength: head.ContentLength,
                IsChunked: head.IsChunked,
                KeepAlive: head.KeepAlive,
                ExpectContinue: head.ExpectContinue);
        }
        catch (BadHttpRequestException e)
        {
            return new HeadOutcome(Rejected, Status: e.StatusCode);
        }
    }
}
