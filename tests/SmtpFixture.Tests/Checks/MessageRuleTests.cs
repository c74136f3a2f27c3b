using SmtpFixture.Checks;

namespace SmtpFixture.Tests.Checks;

/// <summary>Each message-layer rule, broken by a raw client, and kept by the same message done right.</summary>
public sealed class MessageRuleTests
{
    public static TheoryData<string, string, string> Broken => new()
    {
        { SmtpRules.MissingDate, "RFC 5322 §3.6", Mail.Without("Date") },
        { SmtpRules.MissingFrom, "RFC 5322 §3.6", Mail.Without("From") },
        { SmtpRules.MissingMessageId, "RFC 5322 §3.6.4", Mail.Without("Message-ID") },
        { SmtpRules.DuplicateHeader, "RFC 5322 §3.6", Mail.With("Subject", "Subject: one", "Subject: two") },
        { SmtpRules.HeaderLineTooLong, "RFC 5322 §2.1.1", Mail.With("Subject", "Subject: " + new string('x', 990)) },
        { SmtpRules.Raw8BitHeader, "RFC 6532 §3", Mail.With("Subject", "Subject: Grüße") },
        { SmtpRules.MalformedDate, "RFC 5322 §3.3", Mail.With("Date", "Date: 2026-12-07T10:00:00Z") },
        { SmtpRules.MalformedAddress, "RFC 5322 §3.4", Mail.With("From", "From: Alice alice@example.com") },
        { SmtpRules.MalformedAddress, "RFC 5322 §3.4", Mail.With("To", "To: bob@") },
        { SmtpRules.MissingMimeVersion, "RFC 2045 §4", Mail.Without("MIME-Version") },
        { SmtpRules.BrokenMultipart, "RFC 2046 §5.1.1", Mail.WithBody("--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n", "Content-Type: multipart/mixed; boundary=b1") },
        { SmtpRules.BrokenMultipart, "RFC 2046 §5.1.1", Mail.WithBody("hi\r\n", "Content-Type: multipart/mixed") },
        { SmtpRules.EncodingMismatch, "RFC 2045 §6", Mail.WithBody("aGVsbG8*\r\n", "Content-Transfer-Encoding: base64") },
        { SmtpRules.HtmlWithoutText, "RFC 2046 §5.1.4", Mail.WithBody("<p>Hello</p>\r\n", "Content-Type: text/html; charset=utf-8") },
        { SmtpRules.OneClickUnsubscribe, "RFC 8058 §3", Mail.With("List-Unsubscribe-Post", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Unsubscribe: <mailto:unsubscribe@example.com>") },
        { SmtpRules.OneClickUnsubscribe, "RFC 8058 §3", Mail.With("Precedence", "Precedence: bulk", "List-Unsubscribe: <https://example.com/u/1>") },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task ABrokenRuleIsRecordedOnTheMessageWithItsIdAndReference(string rule, string reference, string content)
    {
        var message = await CheckedSession.AcceptedAsync(content);

        // A header line over 998 characters is also a content line over 1000 octets (RFC 5321 §4.5.3.1.6), and raw
        // 8-bit octets in the header are also 8-bit content without BODY=8BITMIME (RFC 6152): both rules are right.
        var alsoBroken = rule switch
        {
            SmtpRules.HeaderLineTooLong => SmtpRules.LineTooLong,
            SmtpRules.Raw8BitHeader => SmtpRules.EightBitUndeclared,
            _ => null,
        };
        Assert.Equal(alsoBroken is null ? [] : [alsoBroken], message.Violations.Where(v => !v.RuleInfo.IsMessageLevel).Select(v => v.Rule));
        var violation = Assert.Single(message.Violations, v => v.RuleInfo.IsMessageLevel);
        Assert.Equal(rule, violation.Rule);
        Assert.Equal(reference, violation.Reference);
        Assert.Equal(message.Id, violation.MessageId);
        Assert.Equal(message.Session.SessionId, violation.SessionId);
    }

    [Fact]
    public async Task AWellFormedMessageHasNoViolations()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.Good);
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task AWellFormedMultipartWithHtmlAndTextAndOneClickUnsubscriptionHasNoViolations()
    {
        var body = "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>\r\n--b1--\r\n";
        var message = await CheckedSession.AcceptedAsync(Mail.WithBody(
            body,
            "Content-Type: multipart/alternative; boundary=b1",
            "Precedence: bulk",
            "List-Unsubscribe: <https://example.com/u/1>, <mailto:u@example.com>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task AnEncodedWordSubjectIsNotRaw8Bit()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.With("Subject", "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?="));
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task ARawUtf8HeaderIsAllowedWithSmtpUtf8()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.With("Subject", "Subject: Grüße"), " SMTPUTF8 BODY=8BITMIME");
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task ABccHeaderLeakedToTheOtherRecipientsIsRecordedNamingThem()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.With("Bcc", "Bcc: carol@example.com"), "", null, "bob@example.com", "carol@example.com");
        var violation = Assert.Single(message.Violations);
        Assert.Equal(SmtpRules.BccLeaked, violation.Rule);
        Assert.Equal("RFC 5322 §3.6.3", violation.Reference);
        Assert.Equal("header Bcc", violation.Location);
        Assert.Contains("also goes to bob@example.com", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABccHeaderInTheCopyForTheBlindRecipientOnlyIsNotALeak()
    {
        // RFC 5322 §3.6.3 allows a separate copy, with the Bcc field, for the blind recipients.
        var message = await CheckedSession.AcceptedAsync(Mail.With("Bcc", "Bcc: carol@example.com"), "", null, "carol@example.com");
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task AnObsoleteButValidDateIsAccepted()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.With("Date", "Date: 7 Dec 26 10:00 GMT"));
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task MessageRulesInRecordModeAreCheckedOnlyOnFirstAccess()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.Without("Date"));
        Assert.Empty(message.Attempt.Violations);
        Assert.Equal(SmtpRules.MissingDate, Assert.Single(message.Violations).Rule);
    }

    [Fact]
    public async Task AMessageRuleInRejectModeRefusesTheMessageAtTheFinalDotWith550_5_6_0()
    {
        var (reply, store) = await CheckedSession.SendAsync(Mail.Without("Date"), "", o => o.Checks[SmtpRules.MissingDate] = SmtpCheckMode.Reject);
        Assert.Equal("550 5.6.0 Message has no Date header field", reply);
        Assert.Empty(store.Messages);
        var attempt = Assert.Single(store.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Refused, attempt.Outcome);
        Assert.Equal(SmtpRules.MissingDate, Assert.Single(attempt.Violations).Rule);
        Assert.Equal(SmtpRules.MissingDate, Assert.Single(store.Violations).Rule);
    }

    [Fact]
    public async Task ARuleTurnedOffIsNotChecked()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.Without("Date"), "", o => o.Checks[SmtpRules.MissingDate] = SmtpCheckMode.Off);
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task TheNonePresetChecksNothing()
    {
        var message = await CheckedSession.AcceptedAsync("Subject: only this\r\n\r\na\nb\r\n", "", o => o.Checks.Apply(SmtpCheckPreset.None));
        Assert.Empty(message.Violations);
    }

    [Fact]
    public async Task TheStrictPresetRejectsErrorsButOnlyRecordsWarnings()
    {
        var (refused, _) = await CheckedSession.SendAsync(Mail.Without("From"), "", o => o.Checks.Apply(SmtpCheckPreset.Strict));
        Assert.Equal("550 5.6.0 Message has no From header field", refused);
        var accepted = await CheckedSession.AcceptedAsync(Mail.Without("Message-ID"), "", o => o.Checks.Apply(SmtpCheckPreset.Strict));
        Assert.Equal(SmtpRules.MissingMessageId, Assert.Single(accepted.Violations).Rule);
    }

    [Fact]
    public void AnUnknownRuleIsRefusedWithTheListOfRules()
    {
        var options = new SmtpTestServerOptions();
        var error = Assert.Throws<ArgumentException>(() => options.Checks["bare-lf"] = SmtpCheckMode.Off);
        Assert.Contains("Unknown rule 'bare-lf'. Rules: bare-line-ending, line-too-long,", error.Message, StringComparison.Ordinal);
    }
}
