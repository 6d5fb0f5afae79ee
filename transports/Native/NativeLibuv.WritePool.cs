using System.Runtime.InteropServices;
using Testbed.Engine.Infrastructure;

namespace Testbed.Transports.Native;

internal sealed unsafe partial class NativeLibuv
{
    /// <summary>
    /// One loop's free <c>uv_write_t</c> blocks, so a write in steady state allocates neither native memory nor a
    /// GCHandle. Loop thread only: the loop thread's <see cref="LoopThreadState"/> owns it, uv_write is only called
    /// there (the engine asserts it) and libuv only calls back there, so it takes no lock.
    /// </summary>
    /// <remarks>
    /// Every block is <see cref="BlockSize"/> bytes (libuv's request and the recording's <see cref="RequestSlot"/>
    /// whether this loop records or not) and keeps the GCHandle in its <c>data</c> field for its whole life:
    /// renting points the handle at the write's wrapper, returning points it at null, so a pooled block keeps no
    /// wrapper alive and a null target marks a block as free. uv_write initialises every field it reads (type,
    /// handle, callback, buffers, queue) except <c>data</c>, so a reused block needs no zeroing. At most
    /// <see cref="Capacity"/> blocks stay pooled; a completion beyond that frees its block, so a burst of writes
    /// does not pin its peak memory. Closing the loop frees the pool.
    /// </remarks>
    internal sealed class WriteRequestPool
    {
        /// <summary>Free blocks kept per loop (about 13 KB at 208 bytes a block).</summary>
        public const int Capacity = 64;

        public static readonly nuint BlockSize = WriteSize + (nuint)sizeof(RequestSlot);

        private readonly nint[] _free = new nint[Capacity];
        private int _count;
        private bool _closed;

        /// <summary>Free blocks held now.</summary>
        public int Count => _count;

        /// <summary>Blocks allocated so far (a rent that found the pool empty).</summary>
        public long Created { get; private set; }

        /// <summary>Blocks freed so far (a return to a full or closed pool, or the close).</summary>
        public long Destroyed { get; private set; }

        /// <summary>A block whose <c>data</c> holds a GCHandle to <paramref name="wrapper"/>.</summary>
        public nint Rent(object wrapper)
        {
            Invariant.Assert(!_closed, "uv_write on a closed loop");
            if (_count == 0)
            {
                Created++;
                return AllocNative(BlockSize, wrapper);
            }

            var native = _free[--_count];
            _free[_count] = 0;
            var handle = GCHandle.FromIntPtr(*(nint*)native);
            Invariant.Assert(handle.Target is null, "a pooled write block still points at a wrapper");
            handle.Target = wrapper;
            return native;
        }

        /// <summary>Takes back a block libuv is done with (completed, or refused by uv_write).</summary>
        public void Return(nint native)
        {
            Invariant.Assert(native != 0, "returning a null write block");
            var handle = GCHandle.FromIntPtr(*(nint*)native);
            Invariant.Assert(handle.Target is not null, "a write block returned twice");
            if (_closed || _count == _free.Length)
            {
                Destroyed++;
                FreeNative(native);
                return;
            }

            handle.Target = null;
            _free[_count++] = native;
        }

        /// <summary>Frees every pooled block; later returns free theirs. Idempotent.</summary>
        public void Close()
        {
            _closed = true;
            while (_count > 0)
            {
                var native = _free[--_count];
                _free[_count] = 0;
                Destroyed++;
                FreeNative(native);
            }
        }
    }
}
