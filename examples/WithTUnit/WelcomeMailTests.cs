using NotificationService;

namespace WithTUnit;

/// <summary>One server for the class (TUnit runs its tests in parallel): each test asserts only on its own recipient.</summary>
[ClassDataSource<SmtpServer>(Shared = SharedType.PerClass)]
public sealed class WelcomeMailTests(SmtpServer smtp)
{
    [Test]
    public async Task TheNotificationArrivesWithItsSubjectAndEnvelope()
    {
        var to = $"{Guid.NewGuid():N}@example.com";
        var sender = new NotificationSender(new NotificationSettings { Host = smtp.Server.Host, Port = smtp.Server.Port, Security = TransportSecurity.None });

        await sender.SendAsync(new Notification(to, "Welcome", "Hello"));

        var mail = await smtp.Server.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        await Assert.That(mail.Subject).IsEqualTo("Welcome");
        await Assert.That(mail.Envelope.MailFrom).IsEqualTo("notifications@example.com");
    }

    [Test]
    public async Task AnUnknownUserIsAPermanentFailure()
    {
        var sender = new NotificationSender(new NotificationSettings { Host = smtp.Server.Host, Port = smtp.Server.Port, Security = TransportSecurity.None });

        var error = await Assert.ThrowsAsync<NotificationDeliveryException>(() => sender.SendAsync(new Notification("bob@example.org", "Welcome", "Hello Bob")));

        await Assert.That(error!.StatusCode).IsEqualTo(550);
        await Assert.That(smtp.Server.Attempts.Any(a => a.Refusals.Any(r => r.Command == "RCPT TO:<bob@example.org>" && r.AnsweredBy == "KnownRecipients"))).IsTrue();
    }
}
