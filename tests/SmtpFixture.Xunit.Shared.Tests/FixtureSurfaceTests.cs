using FluentAssertions;
using MailKit.Net.Smtp;
using SmtpFixture.FluentAssertions;
using SmtpFixture.Policies;

// Shared by the xUnit v2 and v3 test projects (linked into both): a test configures and asserts on the fixture
// itself, as it would on the server, without reaching for SmtpServerFixture.Server.
namespace SmtpFixture.Xunit.Tests;

public sealed class FixtureSurfaceTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    [Fact]
    public async Task TheScriptMessagesAndAttemptsOfTheFixtureAreTheServers()
    {
        var to = Mail.UniqueRecipient();
        smtp.Script.OnRcptTo(to).Once().Reply(SmtpReplies.MailboxBusy);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => Mail.SendAsync(smtp, to));
        await Mail.SendAsync(smtp, to, "Second try");

        Assert.Equal(450, (int)refused.StatusCode);
        Assert.Same(smtp.Server.Script, smtp.Script);
        Assert.Equal(SmtpStage.RcptTo, (await smtp.WaitForRefusalAsync(r => r.Command.Contains(to, StringComparison.Ordinal))).Stage);
        Assert.Equal("Second try", (await smtp.WaitForAttemptAsync(a => a.Message?.Envelope.Recipients.Contains(to) == true)).Message!.Subject);
        Assert.Contains(smtp.Attempts, a => a.Refusals.Any(r => r.Stage == SmtpStage.RcptTo && r.Reply.Code == 450 && r.Command.Contains(to, StringComparison.Ordinal)));
        Assert.Equal("Second try", Assert.Single(smtp.Messages, m => m.Envelope.Recipients.Contains(to)).Subject);
        Assert.Contains(to, smtp.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APolicyAddedThroughTheFixtureAnswersUntilRemoved()
    {
        var stranger = Mail.UniqueRecipient();
        var policy = SmtpPolicies.KnownRecipients("alice@example.com");
        smtp.Policies.Add(policy);
        try
        {
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => Mail.SendAsync(smtp, stranger));
            Assert.Equal(550, (int)refused.StatusCode);
        }
        finally
        {
            smtp.Policies.Remove(policy);
        }

        await Mail.SendAsync(smtp, stranger);
        Assert.Contains(smtp.Server.Messages, m => m.Envelope.Recipients.Contains(stranger));
    }

    [Fact]
    public async Task FluentAssertionsTakeTheFixtureAsTheServer()
    {
        var to = Mail.UniqueRecipient();
        smtp.Script.OnRcptTo(to).Once().Reply(SmtpReplies.MailboxBusy);

        await Assert.ThrowsAsync<SmtpCommandException>(() => Mail.SendAsync(smtp, to));
        await Mail.SendAsync(smtp, to, "Welcome");

        smtp.Should().HaveReceivedMessageTo(to).Which.Subject.Should().Be("Welcome");
        smtp.Should().HaveRefused(450, SmtpStage.RcptTo);
        var failure = Assert.ThrowsAny<Exception>(() => smtp.Should().HaveReceivedMessageTo("nobody-" + to));
        Assert.Contains(to, failure.Message, StringComparison.Ordinal); // the failure lists what did arrive
    }

    [Fact]
    public async Task TheFixturesRefusalAndAttemptWaitsShowTheirPredicatesAsWritten()
    {
        var refusal = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => smtp.WaitForRefusalAsync(r => r.Reply.Code == 599, TimeSpan.Zero));
        var attempt = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => smtp.WaitForAttemptAsync(a => a.MailFrom == "nobody@example.com", TimeSpan.Zero));

        Assert.Contains("r => r.Reply.Code == 599", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("a => a.MailFrom == \"nobody@example.com\"", attempt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTlsThereIsNoCertificate() => Assert.Null(smtp.Certificate);
}

/// <summary>A fixture with STARTTLS: its certificate is the one clients must trust.</summary>
public sealed class TlsSmtpFixture : SmtpServerFixture
{
    protected override void Configure(SmtpTestServerOptions options) => options.Tls = SmtpTlsMode.StartTls;
}

public sealed class TlsFixtureTests(TlsSmtpFixture smtp) : IClassFixture<TlsSmtpFixture>
{
    [Fact]
    public void TheFixtureGivesTheCertificateTheServerPresents()
    {
        Assert.NotNull(smtp.Certificate);
        Assert.Same(smtp.Server.Certificate, smtp.Certificate);
    }
}
