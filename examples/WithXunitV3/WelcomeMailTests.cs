using FluentAssertions;
using NotificationService;
using SmtpFixture;
using SmtpFixture.FluentAssertions;
using SmtpFixture.Xunit;
using Xunit;

namespace WithXunitV3;

/// <summary>The fixture as a class fixture on xUnit v3 4.x: configure, send, and assert on the fixture itself.</summary>
public sealed class WelcomeMailTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    private NotificationSettings Settings => new() { Host = smtp.Host, Port = smtp.Port, Security = TransportSecurity.None };

    [Fact]
    public async Task TheNotificationArrivesWithItsSubjectAndEnvelope()
    {
        var to = $"{Guid.NewGuid():N}@example.com";

        await new NotificationSender(Settings).SendAsync(new Notification(to, "Welcome", "Hello"), TestContext.Current.CancellationToken);

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        mail.Should().BeFrom("notifications@example.com").And.HaveSubject("Welcome");
    }

    [Fact]
    public async Task AScripted450IsRetriedAndTheRetryIsDelivered()
    {
        var to = $"{Guid.NewGuid():N}@example.com";
        smtp.Script.OnRcptTo(to).Once().Reply(SmtpReplies.MailboxBusy);
        var sender = new NotificationSender(Settings with { Retry = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(10) } });

        await sender.SendAsync(new Notification(to, "Welcome", "Hello"), TestContext.Current.CancellationToken);

        smtp.Should().HaveReceivedMessageTo(to);
        smtp.Should().HaveRefused(450, SmtpStage.RcptTo).Which.Command.Should().Be($"RCPT TO:<{to}>");
    }
}
