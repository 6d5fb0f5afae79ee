namespace Testbed.Engine.Networking;

/// <summary>A pinned span of memory handed to libuv: a pointer and a length (libuv's <c>uv_buf_t</c>).</summary>
public readonly struct UvBuffer(IntPtr pointer, int length)
{
    public IntPtr Pointer { get; } = pointer;
    public int Length { get; } = length;

    /// <summary>The bytes behind the buffer; only valid while its owner keeps the memory pinned.</summary>
    public unsafe Span<byte> AsSpan() => new((void*)Pointer, Length);
}
