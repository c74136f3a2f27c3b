using SmtpFixture.Checks;

namespace SmtpFixture.Tests.Checks;

/// <summary>The byte-level rules of the content, found in the dot-unstuffer's single pass.</summary>
public sealed class ContentRuleTests
{
    [Fact]
    public async Task ABareLfInContentIsRecordedWithItsLineAndReference()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.WithBody("one\r\ntwo\nthree\r\n"));
        var violation = Assert.Single(message.Violations);
        Assert.Equal(SmtpRules.BareLineEnding, violation.Rule);
        Assert.Equal("RFC 5321 §2.3.8", violation.Reference);
        Assert.Equal(SmtpViolationSeverity.Error, violation.Severity);
        Assert.Equal("content line 10", violation.Location);
        Assert.Equal("two\\n", violation.Excerpt);
        Assert.Equal(message.Id, violation.MessageId);
    }

    [Theory]
    [InlineData(998, false)]
    [InlineData(999, true)]
    public async Task AContentLineOver1000OctetsWithCrLfIsTooLong(int length, bool tooLong)
    {
        var message = await CheckedSession.AcceptedAsync(Mail.WithBody("short\r\n" + new string('x', length) + "\r\nshort\r\n"));
        if (tooLong)
        {
            var violation = Assert.Single(message.Violations);
            Assert.Equal(SmtpRules.LineTooLong, violation.Rule);
            Assert.Equal("RFC 5321 §4.5.3.1.6", violation.Reference);
            Assert.Equal("content line 10", violation.Location);
        }
        else
        {
            Assert.Empty(message.Violations);
        }
    }

    [Fact]
    public async Task TheStuffedDotDoesNotCountTowardsTheLineLength()
    {
        // RFC 5321 §4.5.3.1.6: "not counting the leading dot duplicated for transparency".
        var message = await CheckedSession.AcceptedAsync(Mail.WithBody("." + new string('.', 998) + "\r\n"));
        Assert.Empty(message.Violations);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(" BODY=7BIT", true)]
    [InlineData(" BODY=8BITMIME", false)]
    public async Task EightBitContentNeedsBody8BitMime(string parameters, bool violated)
    {
        var message = await CheckedSession.AcceptedAsync(Mail.WithBody("Grüße\r\n", "Content-Transfer-Encoding: 8bit"), parameters);
        if (violated)
        {
            var violation = Assert.Single(message.Violations);
            Assert.Equal(SmtpRules.EightBitUndeclared, violation.Rule);
            Assert.Equal("RFC 6152 §3", violation.Reference);
            Assert.Equal("Grüße\\r\\n", violation.Excerpt);
        }
        else
        {
            Assert.Empty(message.Violations);
        }
    }

    [Fact]
    public async Task EightBitOctetsInAPartDeclared7BitAreAnEncodingMismatch()
    {
        var message = await CheckedSession.AcceptedAsync(Mail.WithBody("Grüße\r\n"), " BODY=8BITMIME");
        var violation = Assert.Single(message.Violations);
        Assert.Equal(SmtpRules.EncodingMismatch, violation.Rule);
        Assert.Equal("RFC 2045 §6", violation.Reference);
    }

    [Theory]
    [InlineData(" SIZE=10", true)]
    [InlineData(" SIZE=100000", false)]
    public async Task ASizeSmallerThanTheMessageIsUnderdeclared(string parameters, bool violated)
    {
        var message = await CheckedSession.AcceptedAsync(Mail.Good, parameters);
        Assert.Equal(violated ? [SmtpRules.SizeUnderdeclared] : Array.Empty<string>(), message.Violations.Select(v => v.Rule));
        if (violated)
        {
            Assert.Equal("RFC 1870 §6", message.Violations[0].Reference);
        }
    }

    [Theory]
    [InlineData(SmtpRules.LineTooLong, "550 5.6.0 Line too long; at most 1000 octets including CRLF")]
    [InlineData(SmtpRules.SizeUnderdeclared, "552 5.3.4 Message larger than the declared SIZE")]
    public async Task AContentRuleInRejectModeRefusesAtTheFinalDot(string rule, string expected)
    {
        var content = Mail.WithBody(new string('x', 2000) + "\r\n");
        var (reply, store) = await CheckedSession.SendAsync(content, " SIZE=10", o => o.Checks[rule] = SmtpCheckMode.Reject);
        Assert.Equal(expected, reply);
        Assert.Empty(store.Messages);
        Assert.Contains(Assert.Single(store.Attempts).Violations, v => v.Rule == rule && v.MessageId is null);
    }
}
