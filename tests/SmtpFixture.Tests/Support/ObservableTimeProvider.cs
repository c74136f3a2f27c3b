using Microsoft.Extensions.Time.Testing;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports when one of its timers is armed and for how long, so a test can
/// advance the clock exactly when the server waits (an idle timeout is armed before each read, a scripted delay
/// when it starts) instead of sleeping. Every wait is bounded in real time, so a timer never armed fails the test.
/// </summary>
internal sealed class ObservableTimeProvider : FakeTimeProvider
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly object _gate = new();
    private readonly Dictionary<ObservedTimer, TimeSpan> _armed = [];
    private readonly HashSet<TimeSpan> _everArmed = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Done)> _watchers = [];
    private ObservedTimer? _latest;
    private TaskCompletionSource<TimeSpan> _nextArm = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ObservableTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(this);
        timer.Inner = base.CreateTimer(
            s =>
            {
                if (period == Timeout.InfiniteTimeSpan)
                {
                    Armed(timer, Timeout.InfiniteTimeSpan);
                }

                callback(s);
            },
            state,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Completes with the due time of the timer armed last, once at least one timer is armed (a finite due time); at
    /// once if one already is.
    /// </summary>
    public Task<TimeSpan> WaitUntilArmedAsync()
    {
        lock (_gate)
        {
            if (_latest is not null && _armed.TryGetValue(_latest, out var latest))
            {
                return Task.FromResult(latest);
            }

            return _armed.Count > 0 ? Task.FromResult(_armed.Values.First()) : _nextArm.Task.WaitAsync(Bound);
        }
    }

    /// <summary>Completes with the due time of the next timer armed; take it before the action that leads to it.</summary>
    public Task<TimeSpan> WhenNextArmed()
    {
        lock (_gate)
        {
            return _nextArm.Task.WaitAsync(Bound);
        }
    }

    /// <summary>Completes once a timer of exactly this due time has been armed (at once if one already was).</summary>
    public Task WhenArmedFor(TimeSpan dueTime)
    {
        lock (_gate)
        {
            if (_everArmed.Contains(dueTime))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((dueTime, done));
            return done.Task.WaitAsync(Bound);
        }
    }

    private void Armed(ObservedTimer timer, TimeSpan dueTime)
    {
        TaskCompletionSource<TimeSpan>? woken = null;
        var watchers = new List<TaskCompletionSource>();
        lock (_gate)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _armed.Remove(timer);
            }
            else
            {
                _armed[timer] = dueTime;
                _latest = timer;
                _everArmed.Add(dueTime);
                woken = _nextArm;
                _nextArm = new(TaskCreationOptions.RunContinuationsAsynchronously);
                for (var i = _watchers.Count - 1; i >= 0; i--)
                {
                    if (_watchers[i].DueTime == dueTime)
                    {
                        watchers.Add(_watchers[i].Done);
                        _watchers.RemoveAt(i);
                    }
                }
            }
        }

        woken?.TrySetResult(dueTime);
        watchers.ForEach(w => w.TrySetResult());
    }

    private sealed class ObservedTimer(ObservableTimeProvider owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // Armed only after the inner timer is set: a test that advances the clock then surely fires it.
            var changed = Inner.Change(dueTime, period);
            owner.Armed(this, dueTime);
            return changed;
        }

        public void Dispose()
        {
            owner.Armed(this, Timeout.InfiniteTimeSpan);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            owner.Armed(this, Timeout.InfiniteTimeSpan);
            return Inner.DisposeAsync();
        }
    }
}
