using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using SmtpFixture;
using SmtpFixture.FluentAssertions;
using SmtpFixture.Policies;

namespace NotificationService.Tests;

/// <summary>
/// The failure paths a real mail server produces, each on a server of its own with the policy under test. The server
/// and the service share one fake clock, so retries after minutes or hours take no time.
/// </summary>
public sealed class DeliveryFailureTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AGreylistedNotificationIsRetriedAfterTheDelayAndDelivered()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.TimeProvider = _clock;
            o.Policies.Add(SmtpPolicies.Greylisting(TimeSpan.FromMinutes(5)));
        });
        var sender = new NotificationSender(SettingsFor(server), _clock);
        var deferred = new TaskCompletionSource<DeliveryDeferredEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Deferred += (_, e) => deferred.TrySetResult(e);

        var sending = sender.SendAsync(new Notification("alice@example.com", "Your invoice", "Attached."));

        var first = await deferred.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(450, first.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), first.Delay);
        Assert.Empty(server.Messages);

        _clock.Advance(first.Delay);

        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        var received = Assert.Single(server.Messages);
        Assert.Equal("Your invoice", received.Message.Subject);
        Assert.Equal(_clock.GetUtcNow(), received.ReceivedAt);
        Assert.Contains(server.Attempts, a => a.Refusals.Any(r => r.Reply.Code == 450 && r.AnsweredBy == "Greylisting"));
    }

    [Fact]
    public async Task AnUnknownUserFailsAt550WithoutARetry()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.TimeProvider = _clock;
            o.Policies.Add(SmtpPolicies.KnownRecipients("alice@example.com"));
        });
        var sender = new NotificationSender(SettingsFor(server), _clock);
        var deferrals = 0;
        sender.Deferred += (_, _) => Interlocked.Increment(ref deferrals);

        var error = await Assert.ThrowsAsync<NotificationDeliveryException>(
            () => sender.SendAsync(new Notification("nobody@example.com", "Hello", "Is anyone there?")));

        Assert.Equal(550, error.StatusCode);
        Assert.True(error.IsPermanent);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(0, deferrals);
        Assert.Empty(server.Messages);
        server.Should().HaveRefused(550, SmtpStage.RcptTo)
            .Which.Command.Should().Be("RCPT TO:<nobody@example.com>");
    }

    [Fact]
    public async Task OverTheRateLimitTheServerSays421AndTheRetryAfterTheWindowIsDelivered()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.TimeProvider = _clock;
            o.Policies.Add(SmtpPolicies.RateLimit(1, TimeSpan.FromHours(1)));
        });
        var sender = new NotificationSender(SettingsFor(server) with { Retry = new RetryPolicy { InitialDelay = TimeSpan.FromHours(1) } }, _clock);
        var deferred = new TaskCompletionSource<DeliveryDeferredEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Deferred += (_, e) => deferred.TrySetResult(e);
        await sender.SendAsync(new Notification("alice@example.com", "First of the hour", "One."));

        var sending = sender.SendAsync(new Notification("alice@example.com", "Second of the hour", "Two."));

        var second = await deferred.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(421, second.StatusCode);
        Assert.Single(server.Messages);

        _clock.Advance(second.Delay);

        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["First of the hour", "Second of the hour"], server.Messages.Select(m => m.Message.Subject));
    }

    [Fact]
    public async Task ANotificationStillDeferredAfterTheLastAttemptFails()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.TimeProvider = _clock);
        server.Script.OnRcptTo("alice@example.com").Always().Reply(SmtpReplies.MailboxBusy);
        var sender = new NotificationSender(SettingsFor(server) with { Retry = new RetryPolicy { MaxAttempts = 3 } }, _clock);
        sender.Deferred += (_, e) => _clock.Advance(e.Delay);   // skip every wait as soon as it is scheduled

        var error = await Assert.ThrowsAsync<NotificationDeliveryException>(
            () => sender.SendAsync(new Notification("alice@example.com", "Never", "Busy forever.")));

        Assert.Equal(3, error.Attempts);
        Assert.False(error.IsPermanent);
        Assert.Equal(3, server.Attempts.Count(a => a.Refusals.Any(r => r.Reply.Code == 450)));
    }

    private static NotificationSettings SettingsFor(SmtpTestServer server) =>
        new() { Host = server.Host, Port = server.Port, Security = TransportSecurity.None };
}
