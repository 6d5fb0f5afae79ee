using System.IO.Pipelines;
using Testbed.Engine.Infrastructure;
using Testbed.Engine.Networking;

namespace Testbed.Engine.Connections;

/// <summary>
/// The read side of one connection: libuv reads land in pinned pool blocks of a <see cref="Pipe"/>.
/// When the unread bytes reach MaxRequestBufferSize the pipe's writer pauses and reading stops; it resumes
/// (on the loop thread) once the reader has consumed below the limit.
/// </summary>
internal sealed class SocketInput
{
    private readonly LoopThread _thread;
    private readonly UvStreamHandle _socket;
    private readonly Pipe _pipe;
    private readonly UvAllocCallback _onAlloc;
    private readonly UvReadCallback _onRead;
    private readonly Action<object?> _resumeReading;
    private readonly IInputEvents _events;
    private readonly IServerEvents _trace;
    private readonly long _connectionId;
    private bool _completed;

    public SocketInput(LoopThread thread, UvStreamHandle socket, SlabMemoryPool pool, long? maxRequestBufferSize, IInputEvents events, IServerEvents? trace = null, long connectionId = 0)
    {
        _thread = thread;
        _socket = socket;
        _events = events;
        _trace = trace ?? IServerEvents.None;
        _connectionId = connectionId;
        var limit = maxRequestBufferSize ?? 0; // 0: the pipe never pauses
        _pipe = new Pipe(new PipeOptions(
            pool,
            readerScheduler: new SchedulerPipeScheduler(thread.Scheduler),
            writerScheduler: new LoopPipeScheduler(thread),
            pauseWriterThreshold: limit,
            resumeWriterThreshold: limit,
            minimumSegmentSize: SlabMemoryPool.BlockSize,
            useSynchronizationContext: false));
        _onAlloc = (_, _) => OnAlloc();
        _onRead = (_, status, _) => OnRead(status);
        _resumeReading = _ => Resume();
    }

    /// <summary>The request bytes, for the frame. Reader continuations run on the scheduler.</summary>
    public PipeReader Reader => _pipe.Reader;

    public void Start()
    {
        _thread.Loop.AssertOnLoopThread();
        _socket.ReadStart(_onAlloc, _onRead);
    }

    /// <summary>Ends the input (the connection is closing); the frame's next read sees the end or the error.</summary>
    public void Complete(Exception? error = null)
    {
        _thread.Loop.AssertOnLoopThread();
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_socket.IsReading && !_socket.IsClosing)
        {
            _socket.ReadStop();
        }

        _pipe.Writer.Complete(error);
    }

    private UvBuffer OnAlloc()
    {
        var memory = _pipe.Writer.GetMemory(SlabMemoryPool.BlockSize / 2);
        var handle = memory.Pin();
        unsafe
        {
            // Pool memory is pinned for life: the handle is a plain pointer and needs no release.
            return new UvBuffer((IntPtr)handle.Pointer, memory.Length);
        }
    }

    private void OnRead(int status)
    {
        if (_completed)
        {
            return;
        }

        if (status > 0)
        {
            _pipe.Writer.Advance(status);
            var flush = _pipe.Writer.FlushAsync();
            _trace.InputRead(_connectionId, status, paused: !flush.IsCompleted);
            if (!flush.IsCompleted)
            {
                Pause(flush);
            }
        }
        else if (status < 0)
        {
            _events.OnReadEnded(status);
        }
    }

    private void Pause(ValueTask<FlushResult> flush)
    {
        _socket.ReadStop();
        // The writer scheduler is the loop, so this continuation runs where ReadStart is legal.
        flush.GetAwaiter().UnsafeOnCompleted(() => _resumeReading(null));
    }

    private void Resume()
    {
        if (!_completed && !_socket.IsClosing)
        {
            _trace.InputResumed(_connectionId);
            _socket.ReadStart(_onAlloc, _onRead);
        }
    }
}
