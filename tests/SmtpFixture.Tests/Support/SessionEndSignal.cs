using Microsoft.Extensions.Logging;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// A logger provider that counts the engine's "session closed" events (event id 11), so that a socket test can wait
/// for the server to have finished a session: event-driven, no polling, no sleeps.
/// </summary>
internal sealed class SessionEndSignal : ILoggerProvider, ILoggerFactory, ILogger
{
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _ended;

    public int Ended => Volatile.Read(ref _ended);

    /// <summary>Completes when at least <paramref name="count"/> sessions have ended (bounded in real time).</summary>
    public Task WhenEndedAsync(int count)
    {
        lock (_gate)
        {
            if (_ended >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id != 11)
        {
            return;
        }

        lock (_gate)
        {
            _ended++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_ended >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
