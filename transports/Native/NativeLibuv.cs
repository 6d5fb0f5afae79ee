using System.Runtime.InteropServices;
using Testbed.Engine.Networking;
using static Testbed.Transports.Native.LibuvInterop;

namespace Testbed.Transports.Native;

/// <summary>
/// <see cref="ILibuv"/> over the system libuv (Debian's libuv1, 1.44). Each handle, request and loop is a block of
/// native memory whose libuv <c>data</c> field holds a <see cref="GCHandle"/> to its managed wrapper; the static
/// <c>[UnmanagedCallersOnly]</c> trampolines in NativeLibuv.Callbacks.cs find the wrapper through it.
/// </summary>
/// <remarks>
/// Partial by concern: Loop (loop and loop thread), Handles (close, async, timer), Tcp, Streams (read, write,
/// shutdown), WritePool (the loop's reused uv_write_t blocks), Callbacks (the trampolines).
/// </remarks>
internal sealed unsafe partial class NativeLibuv : ILibuv
{
    private readonly Action<string, Exception>? _onLoopThreadFault;
    private readonly NativeRecorder? _recorder;

    /// <summary>Loops started so far: the next one's index in start order (a recording's <c>loop</c>).</summary>
    private int _loopsStarted;

    /// <param name="onLoopThreadFault">
    /// Receives (thread name, exception) when a loop thread ends with an exception: one thrown by its setup or
    /// teardown, or the first one an engine callback threw (rethrown with its original stack after uv_run returns;
    /// teardown is then skipped). Without it the exception is left unhandled, which ends the process: a loop that
    /// died must not go unnoticed.
    /// </param>
    /// <param name="recorder">Records every connection's reads, writes and ends (<c>RecordTo</c>); none by default.</param>
    public NativeLibuv(Action<string, Exception>? onLoopThreadFault = null, NativeRecorder? recorder = null)
    {
        _onLoopThreadFault = onLoopThreadFault;
        _recorder = recorder;
    }

    public string ErrName(int status)
    {
        // The _r variant writes into our buffer; uv_err_name leaks a malloc'd string for unknown codes.
        var buffer = stackalloc byte[64];
        return Marshal.PtrToStringUTF8((nint)uv_err_name_r(status, buffer, 64)) ?? status.ToString();
    }

    public string StrError(int status)
    {
        var buffer = stackalloc byte[256];
        return Marshal.PtrToStringUTF8((nint)uv_strerror_r(status, buffer, 256)) ?? status.ToString();
    }

    /// <summary>Throws <see cref="UvException"/> naming <paramref name="call"/> when the status is an error.</summary>
    private void Check(int status, string call) => UvException.ThrowIfError(this, status, call);

    /// <summary>
    /// Allocates <paramref name="size"/> bytes for a libuv structure and stores a GCHandle to
    /// <paramref name="wrapper"/> in its first pointer field, which is <c>data</c> in uv_handle_t, uv_req_t and
    /// uv_loop_t. The strong GCHandle keeps the wrapper alive for as long as libuv may call back into it.
    /// </summary>
    private static nint AllocNative(nuint size, object wrapper)
    {
        var native = (nint)NativeMemory.AllocZeroed(size);
        SetData(native, wrapper);
        return native;
    }

    /// <summary>(Re)writes the <c>data</c> field; uv_loop_init clears the rest of the loop but keeps data.</summary>
    private static void SetData(nint native, object wrapper) =>
        *(nint*)native = GCHandle.ToIntPtr(GCHandle.Alloc(wrapper));

    /// <summary>Frees the GCHandle in <c>data</c> and the memory; libuv must be done with the structure.</summary>
    private static void FreeNative(nint native)
    {
        var data = *(nint*)native;
        if (data != 0)
        {
            GCHandle.FromIntPtr(data).Free();
        }

        NativeMemory.Free((void*)native);
    }

    /// <summary>The managed wrapper whose GCHandle sits in the structure's <c>data</c> field.</summary>
    private static T WrapperOf<T>(nint native)
        where T : class =>
        (T)GCHandle.FromIntPtr(*(nint*)native).Target!;
}
