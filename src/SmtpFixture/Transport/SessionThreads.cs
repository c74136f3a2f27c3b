using System.Collections.Concurrent;

namespace SmtpFixture.Transport;

/// <summary>
/// The threads sessions run on, each with blocking socket I/O (see <see cref="SessionSocketStream"/>). A thread whose
/// session has ended waits for the next one: creating a thread per connection cost more than the whole session when
/// every message comes on a connection of its own. A thread idle for <see cref="IdleLifetime"/> ends, and all end when
/// the listener is disposed; there are never more than the sessions running at once (the session limit bounds them).
/// </summary>
internal sealed class SessionThreads : IDisposable
{
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(10);

    // Session threads run little but state machines: a small stack, not the 8 MiB default of a Linux thread.
    private const int StackSize = 256 * 1024;

    private readonly ConcurrentStack<Worker> _idle = new();
    private volatile bool _disposed;

    /// <summary>Runs <paramref name="session"/> on a session thread; the task completes when the session has ended.</summary>
    public Task Run(Func<Task> session)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (_idle.TryPop(out var idle))
        {
            if (idle.TryAssign(session, done))
            {
                return done.Task;
            }
        }

        var worker = new Worker(this);
        worker.TryAssign(session, done);
        new Thread(worker.Loop, StackSize) { IsBackground = true, Name = "SMTP session" }.UnsafeStart();
        return done.Task;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var worker))
        {
            worker.Stop();
        }
    }

    /// <summary>One thread: runs its session, then waits (without spinning) for the next or ends.</summary>
    private sealed class Worker(SessionThreads owner)
    {
        private readonly object _gate = new();
        private Func<Task>? _session;
        private TaskCompletionSource? _done;
        private bool _ended;

        /// <summary>Gives the worker its next session; false when it has ended (idle too long, or stopped).</summary>
        public bool TryAssign(Func<Task> session, TaskCompletionSource done)
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return false;
                }

                (_session, _done) = (session, done);
                Monitor.Pulse(_gate);
                return true;
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _ended = true;
                Monitor.Pulse(_gate);
            }
        }

        public void Loop()
        {
            while (true)
            {
                Func<Task> session;
                TaskCompletionSource done;
                lock (_gate)
                {
                    if (_session is null && !_ended)
                    {
                        Monitor.Wait(_gate, IdleLifetime);
                    }

                    if (_session is null || _done is null)
                    {
                        _ended = true;
                        return;
                    }

                    (session, done) = (_session, _done);
                    (_session, _done) = (null, null);
                }

                try
                {
                    SessionSocketStream.RunOnSessionThread(session);
                }
                catch (Exception)
                {
                    // The listener's session method logs its own failures; nothing else can escape it.
                }
                finally
                {
                    done.SetResult();
                }

                if (owner._disposed)
                {
                    return;
                }

                owner._idle.Push(this);
            }
        }
    }
}
