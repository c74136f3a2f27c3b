using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Checks;

/// <summary>Each SMTP-layer rule, broken by a raw client over an in-memory session, and kept by a client that behaves.</summary>
public sealed class SessionRuleTests
{
    private static SmtpViolation Only(InMemorySmtp smtp, string rule, string reference)
    {
        var violation = Assert.Single(smtp.Store.Violations);
        Assert.Equal(rule, violation.Rule);
        Assert.Equal(reference, violation.Reference);
        return violation;
    }

    [Fact]
    public async Task ABareLfEndingACommandIsRecordedWithTheCommand()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.SendAsync("EHLO client.example\n");
        Assert.StartsWith("250", await smtp.ReadReplyAsync());
        var violation = Only(smtp, SmtpRules.BareLineEnding, "RFC 5321 §2.3.8");
        Assert.Equal("command EHLO", violation.Location);
        Assert.Equal(SmtpStage.Helo, violation.Stage);
    }

    [Theory]
    [InlineData("client_1.example")]
    [InlineData("-client.example")]
    [InlineData("client..example")]
    [InlineData("[192.0.2.300]")]
    [InlineData("[IPv6:zz::1]")]
    public async Task AnEhloArgumentThatIsNeitherADomainNorAnAddressLiteralBreaksHeloSyntax(string name)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO " + name));
        var violation = Only(smtp, SmtpRules.HeloSyntax, "RFC 5321 §4.1.1.1");
        Assert.Equal("EHLO " + name, violation.Excerpt);
    }

    [Theory]
    [InlineData("client.example")]
    [InlineData("localhost")]
    [InlineData("mail-1.example.com")]
    [InlineData("[192.0.2.1]")]
    [InlineData("[IPv6:2001:db8::1]")]
    [InlineData("xn--bcher-kva.example")]
    public async Task ADomainOrAddressLiteralKeepsHeloSyntax(string name)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("HELO " + name));
        Assert.Empty(smtp.Store.Violations);
    }

    [Fact]
    public async Task HeloSyntaxInRejectModeIsRefusedWith501_5_5_4()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.Checks[SmtpRules.HeloSyntax] = SmtpCheckMode.Reject);
        Assert.Equal("501 5.5.4 Invalid domain or address literal", await smtp.CommandAsync("EHLO bad_name"));
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO good.example"));
    }

    [Fact]
    public async Task MailParametersAfterHeloBreakEsmtpAfterHelo()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("HELO client.example"));
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=8BITMIME"));
        var violation = Only(smtp, SmtpRules.EsmtpAfterHelo, "RFC 5321 §2.2.1");
        Assert.Equal("command MAIL", violation.Location);
    }

    [Fact]
    public async Task MailParametersAfterEhloAreFine()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=8BITMIME SIZE=100"));
        Assert.Empty(smtp.Store.Violations);
    }

    [Fact]
    public async Task EsmtpAfterHeloInRejectModeIsRefusedWith555_5_5_4()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.Checks[SmtpRules.EsmtpAfterHelo] = SmtpCheckMode.Reject);
        Assert.StartsWith("250", await smtp.CommandAsync("HELO client.example"));
        Assert.Equal("555 5.5.4 Parameters not allowed after HELO; use EHLO", await smtp.CommandAsync("MAIL FROM:<a@example.com> SIZE=10"));
    }

    [Fact]
    public async Task ANonAsciiAddressWithoutSmtpUtf8BreaksUtf8UndeclaredAndIsRefused()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("553 5.6.7", await smtp.CommandAsync("MAIL FROM:<jörg@example.com>"));
        Only(smtp, SmtpRules.Utf8Undeclared, "RFC 6531 §3.4");
    }

    [Fact]
    public async Task ANonAsciiAddressWithSmtpUtf8IsFine()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<jörg@example.com> SMTPUTF8"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<zoë@example.com>"));
        Assert.Empty(smtp.Store.Violations);
    }

    [Fact]
    public async Task DataAfterBodyBinaryMimeBreaksBinaryMimeWithData()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=BINARYMIME"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("503 5.5.1", await smtp.CommandAsync("DATA"));
        Only(smtp, SmtpRules.BinaryMimeWithData, "RFC 3030 §3");
    }

    [Fact]
    public async Task BdatAfterBodyBinaryMimeIsFine()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=BINARYMIME"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        await smtp.SendAsync("BDAT 5 LAST\r\n\0\x01\n\rx");
        Assert.StartsWith("250", await smtp.ReadReplyAsync());
        Assert.DoesNotContain(smtp.Store.Violations, v => !v.RuleInfo.IsMessageLevel);
    }

    [Fact]
    public async Task PlainAuthWithoutTlsBreaksCleartextAuthWithTheSecretRedacted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.Users["alice"] = "secret";
            o.AllowInsecureAuthentication = true;
        });
        Assert.StartsWith("235", await smtp.CommandAsync("AUTH PLAIN AGFsaWNlAHNlY3JldA=="));
        var violation = Only(smtp, SmtpRules.CleartextAuth, "RFC 4954 §4, RFC 8314 §3");
        Assert.Equal("AUTH PLAIN ***", violation.Excerpt);
        Assert.DoesNotContain("AGFsaWNl", violation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CleartextAuthInRejectModeIsRefusedWith538_5_7_11()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.Users["alice"] = "secret";
            o.AllowInsecureAuthentication = true;
            o.Checks[SmtpRules.CleartextAuth] = SmtpCheckMode.Reject;
        });
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await smtp.CommandAsync("AUTH PLAIN AGFsaWNlAHNlY3JldA=="));
    }

    [Fact]
    public async Task CramMd5WithoutTlsIsNotCleartext()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.Users["alice"] = "secret");
        var challenge = Convert.FromBase64String((await smtp.CommandAsync("AUTH CRAM-MD5"))[4..]);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.HMACMD5.HashData("secret"u8, challenge));
        Assert.StartsWith("235", await smtp.CommandAsync(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("alice " + digest))));
        Assert.Empty(smtp.Store.Violations);
    }

    [Fact]
    public async Task RetryingARecipientRefusedWith550BreaksRetryAfterPermanentFailure()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("alice@example.com")));
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("550 5.1.1", await smtp.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RSET"));
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("550 5.1.1", await smtp.CommandAsync("RCPT TO:<bob@example.com>"));
        var violation = Only(smtp, SmtpRules.RetryAfterPermanentFailure, "RFC 5321 §4.2.1");
        Assert.Equal("RCPT TO:<bob@example.com>", violation.Excerpt);
    }

    [Fact]
    public async Task RetryingAfterATemporaryFailureOrForAnotherRecipientIsFine()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("alice@example.com", "carol@example.com")));
        smtp.Engine.Script.OnRcptTo("alice@example.com").Once().Reply(new SmtpReply(450, "4.2.0", "Try later"));
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("450", await smtp.CommandAsync("RCPT TO:<alice@example.com>"));
        Assert.StartsWith("550", await smtp.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<alice@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<carol@example.com>"));
        Assert.Empty(smtp.Store.Violations);
    }

    [Fact]
    public async Task RetryInRejectModeIsAnsweredWithTheEarlierPermanentFailure()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.Checks[SmtpRules.RetryAfterPermanentFailure] = SmtpCheckMode.Reject;
            o.Policies.Add(SmtpPolicies.KnownRecipients(_ => false));
        });
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        var first = await smtp.CommandAsync("RCPT TO:<bob@example.com>");
        Assert.StartsWith("550", first);
        Assert.Equal(first, await smtp.CommandAsync("RCPT TO:<bob@example.com>"));
    }

    [Fact]
    public async Task ClosingWithoutQuitBreaksNoQuitOutsideAnyTransaction()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        smtp.CompleteClient();
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
        var violation = Only(smtp, SmtpRules.NoQuit, "RFC 5321 §4.1.1.10");
        Assert.Equal("connection", violation.Location);
        Assert.Empty(smtp.Store.Attempts);
    }

    [Fact]
    public async Task ClosingAfterQuitIsFine()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"));
        smtp.CompleteClient();
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(smtp.Store.Violations);
    }

    [Fact]
    public async Task CommandsSentTogetherWithoutPipeliningBreakPipeliningNotOffered()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.AdvertisePipelining = false);
        var replies = await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>");
        Assert.All(replies, r => Assert.StartsWith("250", r));
        var violation = Only(smtp, SmtpRules.PipeliningNotOffered, "RFC 2920 §3.1");
        Assert.Equal("after MAIL", violation.Location);
        Assert.Equal("RCPT TO:<b@example.com>\\r\\n", violation.Excerpt);
    }

    [Fact]
    public async Task CommandsSentTogetherWithPipeliningOfferedAreFine()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var replies = await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>", "DATA");
        Assert.StartsWith("354", replies[2]);
        Assert.StartsWith("250", await smtp.CommandAsync("Subject: x\r\n\r\nhi\r\n."));
        Assert.DoesNotContain(smtp.Store.Violations, v => v.Rule == SmtpRules.PipeliningNotOffered);
    }

    [Fact]
    public async Task ContentSentBeforeThe354BreaksPipeliningNotOfferedEvenWithPipelining()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n");
        var replies = await smtp.ReadRepliesAsync(4);
        Assert.StartsWith("250 2.0.0", replies[3]);
        var violation = Assert.Single(smtp.Store.Violations, v => v.Rule == SmtpRules.PipeliningNotOffered);
        Assert.Equal("after DATA", violation.Location);
        Assert.Contains("before the 354", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipeliningInRejectModeRefusesTheEarlyCommandWith503_5_5_0()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.AdvertisePipelining = false;
            o.Checks[SmtpRules.PipeliningNotOffered] = SmtpCheckMode.Reject;
        });
        var replies = await smtp.PipelineAsync("MAIL FROM:<a@example.com>", "RCPT TO:<b@example.com>");
        Assert.StartsWith("250", replies[0]);
        Assert.Equal("503 5.5.0 Improper use of SMTP command pipelining", replies[1]);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
    }
}
