using Microsoft.Extensions.Time.Testing;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports when one of its timers is armed, so a test can advance the clock
/// exactly when the server waits (an idle timeout is armed just before each read) instead of sleeping.
/// </summary>
internal sealed class ObservableTimeProvider : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly HashSet<ObservedTimer> _armed = [];
    private TaskCompletionSource _nextArm = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
                    Armed(timer, false);
                }

                callback(s);
            },
            state,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes when at least one timer is armed (a finite due time), at once if one already is.</summary>
    public Task WaitUntilArmedAsync()
    {
        lock (_gate)
        {
            return _armed.Count > 0 ? Task.CompletedTask : _nextArm.Task;
        }
    }

    /// <summary>Completes at the next arming of a timer; take it before the action that leads to it.</summary>
    public Task WhenNextArmed()
    {
        lock (_gate)
        {
            return _nextArm.Task;
        }
    }

    private void Armed(ObservedTimer timer, bool armed)
    {
        TaskCompletionSource? woken = null;
        lock (_gate)
        {
            if (armed)
            {
                _armed.Add(timer);
                woken = _nextArm;
                _nextArm = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _armed.Remove(timer);
            }
        }

        woken?.TrySetResult();
    }

    private sealed class ObservedTimer(ObservableTimeProvider owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // Armed only after the inner timer is set: a test that advances the clock then surely fires it.
            var changed = Inner.Change(dueTime, period);
            owner.Armed(this, dueTime != Timeout.InfiniteTimeSpan);
            return changed;
        }

        public void Dispose()
        {
            owner.Armed(this, false);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            owner.Armed(this, false);
            return Inner.DisposeAsync();
        }
    }
}
