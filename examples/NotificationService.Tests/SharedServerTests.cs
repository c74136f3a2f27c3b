using SmtpFixture.Xunit;

namespace NotificationService.Tests;

/// <summary>A collection fixture: one server for every class in the collection; the classes run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SharedMailServer : ICollectionFixture<SmtpServerFixture>
{
    public const string Name = "shared mail server";
}

[Collection(SharedMailServer.Name)]
public sealed class PasswordResetTests
{
    private readonly SmtpServerFixture _mail;

    public PasswordResetTests(SmtpServerFixture mail)
    {
        _mail = mail;

        // Classes in a collection never run at once, so each test can start from an empty server.
        _mail.Reset();
    }

    [Fact]
    public async Task APasswordResetMailCarriesTheLink()
    {
        var sender = new NotificationSender(Settings.For(_mail));

        await sender.SendAsync(new Notification("carol@example.com", "Reset your password", "https://example.com/reset?token=abc123"));

        var received = Assert.Single(await _mail.WaitForMessagesAsync(1));
        Assert.Contains("token=abc123", received.Message.TextBody, StringComparison.Ordinal);
    }
}

[Collection(SharedMailServer.Name)]
public sealed class DigestTests
{
    private readonly SmtpServerFixture _mail;

    public DigestTests(SmtpServerFixture mail)
    {
        _mail = mail;
        _mail.Reset();
    }

    [Fact]
    public async Task EachSubscriberGetsTheirOwnDigest()
    {
        var sender = new NotificationSender(Settings.For(_mail));
        string[] subscribers = ["dave@example.com", "erin@example.com", "frank@example.com"];

        foreach (var subscriber in subscribers)
        {
            await sender.SendAsync(new Notification(subscriber, "Your weekly digest", "Three new posts."));
        }

        var received = await _mail.WaitForMessagesAsync(subscribers.Length);
        Assert.Equal(subscribers, received.Select(m => Assert.Single(m.Envelope.Recipients)));
    }
}
