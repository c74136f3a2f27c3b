using System.Text;
using SmtpFixture.Checks;

namespace SmtpFixture.Tests.Protocol;

/// <summary>
/// Only CRLF.CRLF ends DATA (RFC 5321 §4.1.1.4). The 2023 SMTP smuggling class (CVE-2023-51764/51765/51766) hides a second
/// transaction behind an end-of-data sequence that one server honours and the next does not.
/// </summary>
public sealed class SmugglingTests
{
    private const string Smuggled = "MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nsend money\r\n";

    public static TheoryData<string, string, bool> Variants() => new()
    {
        // name, fake terminator, send one byte at a time
        { "LF.LF", "\n.\n", false },
        { "CR.CR", "\r.\r", false },
        { "LF.CRLF", "\n.\r\n", false },
        { "CRLF.LF", "\r\n.\n", false },
        { "CR.CRLF", "\r.\r\n", false },
        { "CRLF.CR", "\r\n.\r", false },
        { "LF.CR", "\n.\r", false },
        { "CR.LF", "\r.\n", false },
        { "CRLF.CRCRLF", "\r\n.\r\r\n", false },
        { "LFLF.LFLF", "\n\n.\n\n", false },
        { "CRLF.LF, byte by byte", "\r\n.\n", true },
        { "LF.CRLF, byte by byte", "\n.\r\n", true },
        { "CR.CR, byte by byte", "\r.\r", true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task AFakeEndOfDataDoesNotEndTheMessageAndTheSmuggledTransactionIsNotExecuted(string name, string fake, bool byteByByte)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<alice@example.com>");
        await smtp.CommandAsync("RCPT TO:<bob@example.com>");
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));

        var content = "Subject: real\r\n\r\nhello" + fake + Smuggled;
        if (byteByByte)
        {
            foreach (var b in Encoding.ASCII.GetBytes(content))
            {
                await smtp.SendAsync(new[] { b });
            }
        }
        else
        {
            await smtp.SendAsync(content);
        }

        await smtp.SendAsync(".\r\nQUIT\r\n");
        var replies = (await smtp.ReadToEndAsync()).Split("\r\n");

        // One message, one 250 for it, then the 221: nothing of the smuggled commands was answered.
        Assert.True(replies.Length == 3 && replies[2].Length == 0, $"{name}: {string.Join(" | ", replies)}");
        Assert.StartsWith("250 2.0.0 ", replies[0]);
        Assert.StartsWith("221 ", replies[1]);
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("alice@example.com", message.Envelope.MailFrom);
        Assert.Equal(["bob@example.com"], message.Envelope.Recipients);
        Assert.Contains("MAIL FROM:<ceo@bank.example>", Encoding.ASCII.GetString(message.RawData.Span), StringComparison.Ordinal);
        Assert.NotEmpty(message.Attempt.Violations);
    }

    [Theory]
    [InlineData("\n.\n", "bare LF")]
    [InlineData("\r.\r", "bare CR")]
    [InlineData("\r\n.\n", "bare LF")]
    [InlineData("\n.\r\n", "bare LF")]
    public async Task BareLineEndingsInContentAreRecordedOnTheAttempt(string fake, string violation)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await SendMessageAsync(smtp, "Subject: x\r\n\r\na" + fake + "b\r\n");
        Assert.StartsWith("250 ", await smtp.ReadReplyAsync());
        Assert.Contains(Assert.Single(smtp.Store.Attempts).Violations, v => v.Rule == SmtpRules.BareLineEnding && v.Detail.Contains(violation, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BareCrAndBareLfInOneMessageAreOneViolationQuotingTheFirst()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await SendMessageAsync(smtp, "Subject: x\r\n\r\na\rb\nc\r\n");
        Assert.StartsWith("250 ", await smtp.ReadReplyAsync());
        var violation = Assert.Single(Assert.Single(smtp.Store.Attempts).Violations);
        Assert.Equal(SmtpRules.BareLineEnding, violation.Rule);
        Assert.Equal("content line 3", violation.Location);
        Assert.Equal("a\\rb\\n", violation.Excerpt);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    [InlineData("\r\n.\n")]
    [InlineData("\n.\r\n")]
    public async Task WithRejectBareLineEndingsContentWithABareLineEndingIsRefusedWith500(string fake)
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.RejectBareLineEndings = true);
        await SendMessageAsync(smtp, "Subject: x\r\n\r\na" + fake + Smuggled);
        Assert.Equal("500 5.5.2 Bare CR or LF in message content not allowed", await smtp.ReadReplyAsync());
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Refused, Assert.Single(smtp.Store.Attempts).Outcome);
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task ABareLfInACommandIsRecordedOnTheNextAttempt()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.SendAsync("EHLO client.example\n");
        Assert.StartsWith("250", await smtp.ReadReplyAsync());
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RSET");
        Assert.Contains(Assert.Single(smtp.Store.Attempts).Violations, v => v.Rule == SmtpRules.BareLineEnding && v.Location == "command EHLO");
    }

    [Theory]
    [InlineData("NOOP\n")]
    [InlineData("NOOP\rRSET\r\n")]
    public async Task WithRejectBareLineEndingsACommandWithABareLineEndingIsRefusedWith500(string command)
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.RejectBareLineEndings = true);
        await smtp.SendAsync(command);
        Assert.StartsWith("500 5.5.2 ", await smtp.ReadReplyAsync());
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task OnlyCrLfDotCrLfEndsDataEvenWhenSplitAcrossEveryByte()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        foreach (var b in "Subject: x\r\n\r\n..dot\r\n.\r\n"u8.ToArray())
        {
            await smtp.SendAsync(new[] { b });
        }

        Assert.StartsWith("250 ", await smtp.ReadReplyAsync());
        Assert.Equal("Subject: x\r\n\r\n.dot\r\n", Encoding.ASCII.GetString(Assert.Single(smtp.Store.Messages).RawData.Span));
    }

    [Theory]
    [InlineData("NOOP\0\r\n", "500 5.5.2 ")]
    [InlineData("MAIL FROM:<a\0b@example.com>\r\n", "500 5.5.2 ")]
    [InlineData("EHLO cl\0ient.example\r\n", "500 5.5.2 ")]
    public async Task ANulInACommandIsRefusedWith500(string command, string expected)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.CommandAsync("EHLO client.example");
        await smtp.SendAsync(command);
        Assert.StartsWith(expected, await smtp.ReadReplyAsync());
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
    }

    [Theory]
    [InlineData("MAIL FROM:<jörg@example.com>", "553 5.6.7 ")]
    [InlineData("MÄIL FROM:<a@example.com>", "500 5.5.2 ")]
    [InlineData("MAIL FROM:<a@example.com> SMTPUTF8", "555 5.5.4 ")]
    [InlineData("MAIL FROM:<a@example.com> ENVID=ü", "501 5.5.4 ")]
    [InlineData("EHLO exämple.com", "501 5.5.2 ")]
    public async Task NonAsciiInACommandWithoutSmtpUtf8IsRefused(string command, string expected)
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.AdvertiseSmtpUtf8 = false);
        await smtp.CommandAsync("EHLO client.example");
        Assert.StartsWith(expected, await smtp.CommandAsync(command));
    }

    private static async Task SendMessageAsync(InMemorySmtp smtp, string content)
    {
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<alice@example.com>");
        await smtp.CommandAsync("RCPT TO:<bob@example.com>");
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        await smtp.SendAsync(content + ".\r\n");
    }
}
