namespace NotificationService;

/// <summary>A delivery that the server deferred with a 4xx reply; it is retried after <see cref="Delay"/>.</summary>
public sealed class DeliveryDeferredEventArgs(Notification notification, int attempt, int statusCode, string reply, TimeSpan delay, DateTimeOffset retryAt) : EventArgs
{
    public Notification Notification { get; } = notification;

    /// <summary>The attempt that was deferred, from 1.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>The SMTP reply code, e.g. 450 or 421.</summary>
    public int StatusCode { get; } = statusCode;

    public string Reply { get; } = reply;

    public TimeSpan Delay { get; } = delay;

    public DateTimeOffset RetryAt { get; } = retryAt;
}
