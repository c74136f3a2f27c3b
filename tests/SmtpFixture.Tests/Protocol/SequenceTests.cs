
namespace SmtpFixture.Tests.Protocol;

/// <summary>Commands out of sequence (RFC 5321 §4.1.4, §3.3) get 503 and leave the session usable.</summary>
public sealed class SequenceTests
{
    [Theory]
    [InlineData("MAIL FROM:<a@example.com>")]
    [InlineData("RCPT TO:<b@example.com>")]
    [InlineData("DATA")]
    public async Task TransactionCommandBeforeEhloIs503(string line)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await smtp.CommandAsync(line));
    }

    [Fact]
    public async Task BdatBeforeEhloIs503AfterTheChunkIsRead()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        await smtp.SendAsync("BDAT 4\r\nNOOPNOOP\r\n");
        Assert.Equal(["503 5.5.1 Send EHLO or HELO first", "250 2.0.0 OK"], await smtp.ReadRepliesAsync(2));
    }

    [Fact]
    public async Task RcptBeforeMailIsRejectedWith503()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
    }

    [Fact]
    public async Task DataBeforeMailIsRejectedWith503()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("DATA"));
    }

    [Fact]
    public async Task BdatBeforeMailIsRejectedWith503()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync("BDAT 3 LAST\r\nabc");
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task DataWithoutRecipientsIs554()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("554 5.5.1 No valid recipients", await smtp.CommandAsync("DATA"));
    }

    [Fact]
    public async Task BdatWithoutRecipientsIs554()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.SendAsync("BDAT 2 LAST\r\nhi");
        Assert.Equal("554 5.5.1 No valid recipients", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task NestedMailIs503()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("503 5.5.1 Sender already given; send RCPT TO, or RSET to start over", await smtp.CommandAsync("MAIL FROM:<b@example.com>"));
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("RCPT TO:<c@example.com>"));
    }

    [Fact]
    public async Task DataAfterBdatInTheSameTransactionIs503()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.SendAsync("BDAT 3\r\nabc");
        Assert.Equal("250 2.0.0 3 octets received", await smtp.ReadReplyAsync());
        Assert.Equal("503 5.5.1 DATA not allowed after BDAT in the same transaction; send BDAT, or RSET to start over", await smtp.CommandAsync("DATA"));
    }

    [Fact]
    public async Task DataWithBodyBinaryMimeIs503()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com> BODY=BINARYMIME");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        Assert.Equal("503 5.5.1 BODY=BINARYMIME requires BDAT, not DATA", await smtp.CommandAsync("DATA"));
    }

    [Fact]
    public async Task MailAfterACompletedMessageStartsANewTransaction()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await CommandTests.SendMessageAsync(smtp);
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("250 2.1.0", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
    }

    [Fact]
    public async Task OutOfSequenceRefusalOutsideATransactionIsRecordedAsAnAttempt()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        var attempt = Assert.Single(smtp.Store.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Refused, attempt.Outcome);
        var exchange = Assert.Single(attempt.Exchanges);
        Assert.Equal(SmtpStage.RcptTo, exchange.Stage);
        Assert.Equal("RCPT TO:<b@example.com>", exchange.Command);
        Assert.Equal(503, exchange.Reply.Code);
    }

    [Fact]
    public async Task AfterTooManyBadCommandsTheServerAnswers421AndCloses()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.MaxBadCommands = 3);
        Assert.StartsWith("500", await smtp.CommandAsync("BAD1"));
        Assert.StartsWith("500", await smtp.CommandAsync("BAD2"));
        await smtp.SendAsync("BAD3\r\n");
        Assert.Equal("500 5.5.2 Command unrecognized\r\n421 4.7.0 Too many errors, closing transmission channel\r\n", await smtp.ReadToEndAsync());
    }

    [Fact]
    public async Task AGoodCommandResetsTheBadCommandCount()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.MaxBadCommands = 3);
        Assert.StartsWith("500", await smtp.CommandAsync("BAD1"));
        Assert.StartsWith("500", await smtp.CommandAsync("BAD2"));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
        Assert.StartsWith("500", await smtp.CommandAsync("BAD3"));
        Assert.StartsWith("500", await smtp.CommandAsync("BAD4"));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task OverlongLinesCountAsBadCommands()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.MaxBadCommands = 3);
        var junk = new string('j', 2000) + "\r\n";
        await smtp.SendAsync(junk + junk + junk);
        Assert.Equal(
            string.Concat(Enumerable.Repeat("500 5.5.6 Command line too long\r\n", 3)) + "421 4.7.0 Too many errors, closing transmission channel\r\n",
            await smtp.ReadToEndAsync());
    }

    [Fact]
    public async Task TheFinalReplyToAMessageResetsTheBadCommandCount()
    {
        // BDAT LAST gets no intermediate reply: the only positive reply after the two bad commands is the final 250.
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxBadCommands = 3);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("500", await smtp.CommandAsync("BAD1"));
        Assert.StartsWith("500", await smtp.CommandAsync("BAD2"));
        await smtp.SendAsync("BDAT 4 LAST\r\nHi\r\n");
        Assert.StartsWith("250 2.0.0 OK queued", await smtp.ReadReplyAsync());
        Assert.Equal("500 5.5.2 Command unrecognized", await smtp.CommandAsync("BAD3"));
        Assert.StartsWith("250", await smtp.CommandAsync("NOOP"));
    }
}
