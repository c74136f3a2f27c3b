using Microsoft.Extensions.Time.Testing;

namespace SmtpFixture.Tests.Policies;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test when the server starts a timer of a given length, so a test
/// can advance the clock exactly when the server is waiting, without sleeping.
/// </summary>
internal sealed class SignallingTimeProvider : FakeTimeProvider
{
    private readonly TimeSpan _watched;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SignallingTimeProvider(TimeSpan watched)
        : base(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)) => _watched = watched;

    /// <summary>Completes when a timer of the watched length has been created.</summary>
    public Task TimerStarted => _started.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime == _watched)
        {
            _started.TrySetResult();
        }

        return timer;
    }
}
