using System.Collections.Concurrent;

namespace SmtpFixture.Transport;

/// <summary>
/// The threads sessions run on, each with blocking socket I/O (see <see cref="SessionSocketStream"/>). A thread whose
/// session has ended waits for the next one: creating a thread per connection cost more than the whole session when
/// every message comes on a connection of its own, and starting a server with its accept thread for every test would
/// cost two thread starts. A thread idle for <see cref="IdleLifetime"/> ends; there are never more than the sessions
/// and accept loops running at once (the session limit bounds them), and they are background threads.
/// </summary>
internal sealed class SessionThreads
{
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(10);

    // Session threads run little but state machines: a small stack, not the 8 MiB default of a Linux thread.
    private const int StackSize = 256 * 1024;

    private readonly ConcurrentStack<Worker> _idle = new();

    /// <summary>Runs <paramref name="session"/> on a session thread; the task completes when the session has ended.</summary>
    /// <param name="session">The session (or the accept loop).</param>
    /// <param name="ended">Called on the session's thread once it has ended, with the returned task (completed by then):
    /// bookkeeping there costs no thread-pool work item per session, as a continuation on the task would.</param>
    public Task Run(Func<Task> session, Action<Task>? ended = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The caller's execution context flows to the session as it did to an async accept loop and its sessions: a
        // logger that finds its test through an AsyncLocal (xUnit v3's TestContext) still finds it.
        var work = new Work(session, done, ended, ExecutionContext.Capture());
        while (_idle.TryPop(out var idle))
        {
            if (idle.TryAssign(work))
            {
                return done.Task;
            }
        }

        var worker = new Worker(this);
        worker.TryAssign(work);
        new Thread(worker.Loop, StackSize) { IsBackground = true, Name = "SMTP session" }.UnsafeStart();
        return done.Task;
    }

    private sealed record Work(Func<Task> Session, TaskCompletionSource Done, Action<Task>? Ended, ExecutionContext? Context);

    /// <summary>One thread: runs its session, then waits (without spinning) for the next, or ends when idle too long.</summary>
    private sealed class Worker(SessionThreads owner)
    {
        private readonly object _gate = new();
        private Work? _work;
        private bool _ended;

        /// <summary>Gives the worker its next session; false when it has ended for being idle too long.</summary>
        public bool TryAssign(Work work)
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return false;
                }

                _work = work;
                Monitor.Pulse(_gate);
                return true;
            }
        }

        public void Loop()
        {
            while (true)
            {
                Work work;
                lock (_gate)
                {
                    if (_work is null && !_ended)
                    {
                        Monitor.Wait(_gate, IdleLifetime);
                    }

                    if (_work is null)
                    {
                        _ended = true;
                        return;
                    }

                    (work, _work) = (_work, null);
                }

                try
                {
                    if (work.Context is { } context)
                    {
                        ExecutionContext.Run(context, static state => SessionSocketStream.RunOnSessionThread((Func<Task>)state!), work.Session);
                    }
                    else
                    {
                        SessionSocketStream.RunOnSessionThread(work.Session);
                    }
                }
                catch (Exception)
                {
                    // The listener's session method logs its own failures; nothing else can escape it.
                }
                finally
                {
                    // Completed first: whoever adds the task to its books after this sees it completed.
                    work.Done.SetResult();
                    work.Ended?.Invoke(work.Done.Task);
                }

                owner._idle.Push(this);
            }
        }
    }
}
