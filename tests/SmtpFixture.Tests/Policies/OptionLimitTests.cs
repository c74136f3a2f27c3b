using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Policies;

/// <summary>
/// The limits set by options are the built-in policies of the same name: a refusal they cause names them in
/// <see cref="SmtpExchange.AnsweredBy"/>, as when the policy is added by hand.
/// </summary>
public sealed class OptionLimitTests
{
    [Fact]
    public async Task MaxRecipientsOptionAnswersAsMaxRecipients()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxRecipients = 1);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        Assert.Equal("452 4.5.3 Too many recipients", await smtp.CommandAsync("RCPT TO:<c@example.com>"));
        Assert.Equal("MaxRecipients", LastRefusal(smtp).AnsweredBy);
    }

    [Fact]
    public async Task MaxMessageSizeOptionAnswersAsMaxMessageSizeForADeclaredSize()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await smtp.CommandAsync("MAIL FROM:<a@example.com> SIZE=1001"));
        Assert.Equal("MaxMessageSize", LastRefusal(smtp).AnsweredBy);
    }

    [Fact]
    public async Task MaxMessageSizeOptionAnswersAsMaxMessageSizeForContent()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 100);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await smtp.CommandAsync(new string('x', 200) + "\r\n."));
        Assert.Equal("MaxMessageSize", LastRefusal(smtp).AnsweredBy);
        Assert.Empty(smtp.Store.Messages);
    }

    [Fact]
    public async Task RequireTlsOptionAnswersAsRequireTlsAtMailAndAuth()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.RequireTls = true;
            o.Users["alice"] = "secret";
        });
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("RequireTls", LastRefusal(smtp).AnsweredBy);
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await smtp.CommandAsync("AUTH PLAIN"));
        Assert.Equal("RequireTls", LastRefusal(smtp).AnsweredBy);
    }

    [Fact]
    public async Task RequireTlsOptionIsCheckedBeforeTheCommandIsParsed()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => (o.Tls, o.RequireTls) = (SmtpTlsMode.StartTls, true));
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await smtp.CommandAsync("MAIL FROM:not-a-path"));
    }

    [Fact]
    public async Task RequireAuthenticationOptionAnswersAsRequireAuthentication()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.RequireAuthentication = true;
            o.Users["alice"] = "secret";
        });
        Assert.Equal("530 5.7.0 Authentication required", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("RequireAuthentication", LastRefusal(smtp).AnsweredBy);
    }

    private static SmtpExchange LastRefusal(InMemorySmtp smtp) => smtp.Store.Attempts.SelectMany(a => a.Refusals).Last();
}
