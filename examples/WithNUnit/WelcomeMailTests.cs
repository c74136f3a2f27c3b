using NotificationService;
using NUnit.Framework;
using SmtpFixture;
using SmtpFixture.Policies;

namespace WithNUnit;

/// <summary>A server per test: started in SetUp, disposed (port freed) in TearDown.</summary>
public sealed class WelcomeMailTests
{
    private SmtpTestServer _server = null!;

    [SetUp]
    public async Task StartServer() =>
        _server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("@example.com")));

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task TheNotificationArrivesWithItsSubjectAndEnvelope()
    {
        var sender = new NotificationSender(new NotificationSettings { Host = _server.Host, Port = _server.Port, Security = TransportSecurity.None });

        await sender.SendAsync(new Notification("alice@example.com", "Welcome", "Hello Alice"));

        var mail = await _server.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("alice@example.com"));
        Assert.That(mail.Subject, Is.EqualTo("Welcome"));
        Assert.That(mail.Envelope.MailFrom, Is.EqualTo("notifications@example.com"));
        Assert.That(_server.Messages, Has.Count.EqualTo(1), _server.Describe()); // on failure: what arrived, what was refused
    }

    [Test]
    public async Task AnUnknownUserIsAPermanentFailure()
    {
        var sender = new NotificationSender(new NotificationSettings { Host = _server.Host, Port = _server.Port, Security = TransportSecurity.None });

        var error = await Assert.ThrowsAsync<NotificationDeliveryException>(() => sender.SendAsync(new Notification("bob@example.org", "Welcome", "Hello Bob")));

        Assert.That(error!.StatusCode, Is.EqualTo(550));
        Assert.That(_server.Attempts.SelectMany(a => a.Refusals).Select(r => r.AnsweredBy), Is.EqualTo(new[] { "KnownRecipients" }));
        Assert.That(_server.Messages, Is.Empty);
    }
}
