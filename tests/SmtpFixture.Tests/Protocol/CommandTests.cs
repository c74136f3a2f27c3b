
namespace SmtpFixture.Tests.Protocol;

/// <summary>Each command of RFC 5321 §4.1.1 and its reply, in sequence.</summary>
public sealed class CommandTests
{
    [Fact]
    public async Task GreetingIs220WithTheServerName()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.ServerName = "mx.test", readGreeting: false);
        Assert.Equal("220 mx.test ESMTP SmtpFixture ready", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task EhloListsEveryExtensionByDefault()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.MaxMessageSize = 1000);
        var reply = await smtp.CommandAsync("EHLO client.example");
        var lines = reply.Split('\n');
        Assert.All(lines[..^1], l => Assert.StartsWith("250-", l));
        Assert.StartsWith("250 ", lines[^1]);
        var keywords = lines.Skip(1).Select(l => l[4..]).ToArray();
        Assert.Equal(["SIZE 1000", "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN", "HELP"], keywords);
    }

    [Fact]
    public async Task EhloRecordsTheClientName()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await SendMessageAsync(smtp);
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("client.example", message.Session.ClientName);
        Assert.True(message.Session.IsExtended);
    }

    [Fact]
    public async Task HeloIsAnsweredWithOneLine250AndMarksTheSessionNotExtended()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.ServerName = "mx.test");
        Assert.Equal("250 mx.test", await smtp.CommandAsync("HELO old.example"));
        await SendMessageAsync(smtp);
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("old.example", message.Session.ClientName);
        Assert.False(message.Session.IsExtended);
    }

    [Theory]
    [InlineData("EHLO", "501 5.5.4 Syntax: EHLO domain-or-address-literal")]
    [InlineData("HELO", "501 5.5.4 Syntax: HELO domain")]
    public async Task EhloOrHeloWithoutADomainIs501(string verb, string expected)
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.Equal(expected, await smtp.CommandAsync(verb));
    }

    [Fact]
    public async Task CommandVerbsAreCaseInsensitive()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.StartsWith("250-", await smtp.CommandAsync("ehlo client.example"));
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("mail from:<a@example.com>"));
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("Rcpt To:<b@example.com>"));
    }

    [Fact]
    public async Task MailRcptDataCaptureTheMessage()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("RCPT TO:<c@example.com>"));
        Assert.Equal("354 Start mail input; end with <CRLF>.<CRLF>", await smtp.CommandAsync("DATA"));
        var final = await smtp.CommandAsync("Subject: hi\r\n\r\nbody\r\n.");
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("250 2.0.0 OK queued as " + message.Id, final);
        Assert.Equal("a@example.com", message.Envelope.MailFrom);
        Assert.Equal(["b@example.com", "c@example.com"], message.Envelope.Recipients);
        Assert.Equal("Subject: hi\r\n\r\nbody\r\n"u8.ToArray(), message.RawData.ToArray());
        Assert.Equal("hi", message.Message.Subject);
        Assert.Equal(SmtpAttemptOutcome.Accepted, message.Attempt.Outcome);
        Assert.Same(message, message.Attempt.Message);
    }

    [Fact]
    public async Task NullReversePathIsAccepted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync("MAIL FROM:<>"));
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync("Subject: bounce\r\n\r\nx\r\n."));
        Assert.Equal(string.Empty, Assert.Single(smtp.Store.Messages).Envelope.MailFrom);
    }

    [Fact]
    public async Task SourceRouteIsIgnored()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<@relay.example:a@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<@one.example,@two.example:b@example.com>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250", await smtp.CommandAsync("x\r\n."));
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal("a@example.com", message.Envelope.MailFrom);
        Assert.Equal(["b@example.com"], message.Envelope.Recipients);
    }

    [Fact]
    public async Task RsetAbortsTheTransaction()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("RSET"));
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("DATA"));
        var aborted = smtp.Store.Attempts.First();
        Assert.Equal(SmtpAttemptOutcome.Aborted, aborted.Outcome);
        Assert.Empty(smtp.Store.Messages);
    }

    [Fact]
    public async Task MailIsAcceptedAgainAfterRset()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RSET");
        Assert.StartsWith("250 2.1.0", await smtp.CommandAsync("MAIL FROM:<other@example.com>"));
    }

    [Fact]
    public async Task NoopIs250AndKeepsTheTransaction()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP with an argument"));
        Assert.StartsWith("250 2.1.5", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
    }

    [Fact]
    public async Task NoopIsAllowedBeforeEhlo()
    {
        await using var smtp = await InMemorySmtp.StartAsync();
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task QuitIs221AndClosesTheConnection()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("221 2.0.0 localhost closing connection", await smtp.CommandAsync("QUIT"));
        Assert.Equal(string.Empty, await smtp.ReadToEndAsync());
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CommandsPipelinedAfterQuitAreIgnored()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.SendAsync("QUIT\r\nNOOP\r\n");
        Assert.Equal("221 2.0.0 localhost closing connection\r\n", await smtp.ReadToEndAsync());
    }

    [Fact]
    public async Task QuitInTheMiddleOfATransactionAbortsIt()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("QUIT");
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(smtp.Store.Attempts).Outcome);
    }

    [Fact]
    public async Task VrfyIs252()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("252 2.5.0 ", await smtp.CommandAsync("VRFY alice"));
    }

    [Fact]
    public async Task VrfyWithoutAnArgumentIs501()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("501 5.5.4 ", await smtp.CommandAsync("VRFY"));
    }

    [Fact]
    public async Task HelpIs214()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var reply = await smtp.CommandAsync("HELP");
        Assert.StartsWith("214-2.0.0 Commands:", reply);
        Assert.EndsWith("\n214 2.0.0 See RFC 5321", reply);
    }

    [Fact]
    public async Task HelpListsStartTlsAndAuthWhenTheSessionOffersThem()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.Tls = SmtpTlsMode.StartTls;
            o.AllowInsecureAuthentication = true;
            o.Users["alice"] = "secret";
        });
        var reply = await smtp.CommandAsync("HELP");
        Assert.StartsWith("214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH\n", reply);
    }

    [Fact]
    public async Task HelpListsNeitherStartTlsNorAuthWhenTheSessionDoesNotOfferThem()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var reply = await smtp.CommandAsync("HELP");
        Assert.DoesNotContain("STARTTLS", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpnIsNotImplemented502()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("502 5.5.1 Command not implemented", await smtp.CommandAsync("EXPN staff"));
    }

    [Theory]
    [InlineData("TURN")]
    [InlineData("ETRN example.com")]
    [InlineData("SEND FROM:<a@example.com>")]
    public async Task ObsoleteCommandsAreNotImplemented502(string line)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.StartsWith("502 5.5.1 ", await smtp.CommandAsync(line));
    }

    [Theory]
    [InlineData("XYZZY")]
    [InlineData("MAILFROM:<a@example.com>")]
    [InlineData("")]
    public async Task UnknownCommandIs500AndTheSessionContinues(string line)
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("500 5.5.2 Command unrecognized", await smtp.CommandAsync(line));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task EhloInTheMiddleOfATransactionResetsIt()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.StartsWith("250-", await smtp.CommandAsync("EHLO again.example"));
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
    }

    [Fact]
    public async Task SeveralMessagesInOneSessionAreCapturedInOrder()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        for (var i = 0; i < 3; i++)
        {
            await smtp.CommandAsync($"MAIL FROM:<s{i}@example.com>");
            await smtp.CommandAsync("RCPT TO:<b@example.com>");
            await smtp.CommandAsync("DATA");
            Assert.StartsWith("250 2.0.0", await smtp.CommandAsync($"Subject: {i}\r\n\r\nx\r\n."));
        }

        Assert.Equal(["0", "1", "2"], smtp.Store.Messages.Select(m => m.Subject));
        Assert.Equal(3, smtp.Store.Messages.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task ClientClosingMidTransactionAbortsTheAttempt()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        await smtp.SendAsync("Subject: cut\r\n\r\npart");
        smtp.CompleteClient();
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(smtp.Store.Attempts).Outcome);
    }

    internal static async Task SendMessageAsync(InMemorySmtp smtp, string content = "Subject: t\r\n\r\nx\r\n")
    {
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync(content + "."));
    }
}
