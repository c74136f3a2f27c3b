using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace SmtpFixture.Tests.Robustness;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also reports every timer armed with a finite due time. A test waits for the
/// session to arm its timeout (it does so before it flushes its replies and waits for input) and only then advances
/// the clock: deterministic, no sleeps, no race between "advance" and "arm".
/// </summary>
internal sealed class ObservedTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(Fake.CreateTimer(callback, state, dueTime, period), this);
        Report(dueTime);
        return timer;
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);

    /// <summary>Forgets the timers reported so far.</summary>
    public void Clear()
    {
        while (_armed.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Waits (bounded, in real time) for the next timer to be armed and returns its due time.</summary>
    public async Task<TimeSpan> NextArmedAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _armed.Reader.ReadAsync(bound.Token);
    }

    private void Report(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed.Writer.TryWrite(dueTime);
        }
    }

    private sealed class ObservedTimer(ITimer inner, ObservedTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Report(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
