namespace Testbed.Engine.Networking;

/// <summary>A libuv call failed. The message names the call and libuv's error name, e.g. "uv_tcp_bind: EADDRINUSE".</summary>
public sealed class UvException : Exception
{
    public UvException(string call, int status, string errorName, string errorMessage)
        : base($"{call}: {errorName} ({errorMessage})")
    {
        Call = call;
        Status = status;
        ErrorName = errorName;
    }

    /// <summary>The libuv function, such as <c>uv_listen</c>.</summary>
    public string Call { get; }

    /// <summary>The negative libuv status.</summary>
    public int Status { get; }

    /// <summary>libuv's name for <see cref="Status"/>, such as <c>ECONNRESET</c>.</summary>
    public string ErrorName { get; }

    /// <summary>Throws when <paramref name="status"/> is negative.</summary>
    public static void ThrowIfError(ILibuv uv, int status, string call)
    {
        if (status < 0)
        {
            throw new UvException(call, status, uv.ErrName(status), uv.StrError(status));
        }
    }
}
