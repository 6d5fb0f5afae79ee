namespace Testbed.Engine.Http;

/// <summary>The request cannot be served: the connection answers <see cref="StatusCode"/> and closes.</summary>
public sealed class BadHttpRequestException(int statusCode, string reason) : Exception(reason)
{
    /// <summary>400, 408, 411, 413, 414, 431 or 505.</summary>
    public int StatusCode { get; } = statusCode;
}
