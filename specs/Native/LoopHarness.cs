using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Testbed.Engine.Networking;
using Testbed.Transports.Native;

namespace Testbed.Specs.Native;

/// <summary>
/// A real libuv loop on its own thread (started with <see cref="NativeLibuv.StartLoopThread"/>) that specs drive
/// by posting actions: they are queued on a <see cref="ConcurrentQueue{T}"/> and run on the loop thread when a
/// <see cref="UvAsyncHandle"/> wakes the loop. Every wait is bounded by <see cref="Timeout"/>.
/// </summary>
internal sealed class LoopHarness : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<Action> _queue = new();
    private readonly TaskCompletionSource _started = NewSignal();
    private readonly TaskCompletionSource _stopped = NewSignal();
    private readonly List<UvHandle> _handles = [];
    private UvAsyncHandle? _post;
    private bool _stopRequested;

    public LoopHarness(string name = "spec-loop")
    {
        Uv = new NativeLibuv((_, e) =>
        {
            _started.TrySetException(e);
            _stopped.TrySetException(e);
        });
        Loop = new UvLoopHandle(Uv);
        Uv.StartLoopThread(name, Loop, Setup, Teardown);
        Wait(_started.Task);
    }

    public NativeLibuv Uv { get; }

    public UvLoopHandle Loop { get; }

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Blocks for <paramref name="task"/> at most <see cref="Timeout"/>, then rethrows its exception. The wait
    /// handle is set inline when the task completes; WaitAsync would need a free pool thread to wake us, and
    /// parallel specs blocking pool threads make that slow.
    /// </summary>
    public static void Wait(Task task)
    {
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(Timeout))
        {
            throw new TimeoutException($"not done within {Timeout.TotalSeconds} s");
        }

        task.GetAwaiter().GetResult();
    }

    public static T Wait<T>(Task<T> task)
    {
        Wait((Task)task);
        return task.Result;
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread and returns its result (or rethrows).</summary>
    public T Run<T>(Func<T> work)
    {
        var result = NewSignal<T>();
        _queue.Enqueue(() =>
        {
            try
            {
                result.SetResult(work());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        _post!.Send();
        return Wait(result.Task);
    }

    public void Run(Action work) => Run(() =>
    {
        work();
        return true;
    });

    /// <summary>Remembers a handle (loop thread only) so <see cref="Stop"/> closes it.</summary>
    public T Track<T>(T handle)
        where T : UvHandle
    {
        _handles.Add(handle);
        return handle;
    }

    /// <summary>A listening TCP handle on the loop (call on the loop thread).</summary>
    public UvTcpHandle Listen(IPEndPoint endPoint, PortSharing sharing, Action<UvStreamHandle, int> onConnection)
    {
        var server = Track(new UvTcpHandle(Loop));
        server.Bind(endPoint, sharing);
        server.Listen(128, onConnection);
        return server;
    }

    /// <summary>Accepts the pending connection on <paramref name="server"/> into a tracked handle.</summary>
    public UvTcpHandle Accept(UvStreamHandle server)
    {
        var client = Track(new UvTcpHandle(Loop));
        server.Accept(client);
        return client;
    }

    /// <summary>
    /// Closes every tracked handle and the post handle, so uv_run runs out of work and returns; teardown then
    /// closes the loop. Throws what the loop thread threw (for example EBUSY from an untracked handle).
    /// </summary>
    public void Stop()
    {
        _stopRequested = true;
        Run(() =>
        {
            foreach (var handle in _handles.Where(h => !h.IsClosing))
            {
                handle.Close();
            }

            _post!.Close();
        });
        Wait(_stopped.Task);
    }

    public void Dispose()
    {
        if (!_stopRequested && _started.Task.IsCompletedSuccessfully)
        {
            Stop();
        }
    }

    public static Socket Connect(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)Timeout.TotalMilliseconds,
            SendTimeout = (int)Timeout.TotalMilliseconds,
        };
        socket.Connect(endPoint);
        return socket;
    }

    private void Setup()
    {
        Loop.Init();
        _post = new UvAsyncHandle(Loop, Drain);
        _started.SetResult();
    }

    private void Drain()
    {
        while (_queue.TryDequeue(out var action))
        {
            action();
        }
    }

    private void Teardown()
    {
        Loop.Close();
        _stopped.SetResult();
    }
}

/// <summary>A pinned managed array handed to libuv as a <see cref="UvBuffer"/>.</summary>
internal sealed class PinnedBuffer(int length)
{
    private readonly byte[] _array = GC.AllocateArray<byte>(length, pinned: true);

    public PinnedBuffer(byte[] content)
        : this(content.Length)
    {
        content.CopyTo(_array, 0);
    }

    public UvBuffer Buffer => new(System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0), _array.Length);
}
