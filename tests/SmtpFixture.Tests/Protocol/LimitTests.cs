using System.Text;

namespace SmtpFixture.Tests.Protocol;

/// <summary>The limits of RFC 5321 §4.5.3 and RFC 1870: line length, message size, recipients.</summary>
public sealed class LimitTests
{
    [Fact]
    public async Task CommandLineOf512OctetsIsAccepted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var line = "NOOP " + new string('x', 512 - 2 - 5);
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync(line));
    }

    [Fact]
    public async Task CommandLineOver512OctetsIs500()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var line = "NOOP " + new string('x', 512 - 2 - 5 + 1);
        Assert.Equal("500 5.5.6 Command line too long", await smtp.CommandAsync(line));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task OverlongLineArrivingInPiecesIsAnsweredOnceAtItsEnd()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        for (var i = 0; i < 10; i++)
        {
            await smtp.SendAsync(new string('x', 300));
        }

        await smtp.SendAsync("\r\nNOOP\r\n");
        Assert.Equal(["500 5.5.6 Command line too long", "250 2.0.0 OK"], await smtp.ReadRepliesAsync(2));
    }

    [Fact]
    public async Task LineThatNeverEndsIsDiscardedAsItArrives()
    {
        // The in-memory pipe stops the writer at 64 KiB of unconsumed input: 16 MiB only get through if the server
        // discards the line as it arrives instead of buffering it.
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var chunk = Encoding.ASCII.GetBytes(new string('x', InMemorySmtp.PauseWriterThreshold));
        for (var i = 0; i < 256; i++)
        {
            await smtp.SendAsync(chunk).WaitAsync(TimeSpan.FromSeconds(30));
        }

        await smtp.SendAsync("\r\nNOOP\r\n");
        Assert.Equal(["500 5.5.6 Command line too long", "250 2.0.0 OK"], await smtp.ReadRepliesAsync(2));
    }

    [Fact]
    public async Task LongerCommandLinesAreAllowedWhenConfigured()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxCommandLength = 2048);
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP " + new string('x', 1500)));
    }

    [Fact]
    public async Task DeclaredSizeOverTheLimitIs552()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await smtp.CommandAsync("MAIL FROM:<a@example.com> SIZE=1001"));
        Assert.Equal("503 5.5.1 Need MAIL before this command", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
    }

    [Fact]
    public async Task DeclaredSizeAtTheLimitIsAccepted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com> SIZE=1000"));
    }

    [Fact]
    public async Task DataOverTheLimitIs552AndNothingIsCaptured()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        var body = string.Concat(Enumerable.Repeat(new string('y', 98) + "\r\n", 11));
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await smtp.CommandAsync(body + "."));
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Refused, Assert.Single(smtp.Store.Attempts).Outcome);
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task DataExactlyAtTheLimitIsAccepted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        var body = string.Concat(Enumerable.Repeat(new string('y', 98) + "\r\n", 10));
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync(body + "."));
        Assert.Equal(1000, Assert.Single(smtp.Store.Messages).Size);
    }

    [Fact]
    public async Task HugeDataOverTheLimitStreamsThroughWithoutBeingBuffered()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        // 4 MiB through a pipe that stops the writer at 64 KiB unconsumed: the session keeps consuming past the limit.
        var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('z', 1022) + "\r\n", 64)));
        for (var i = 0; i < 64; i++)
        {
            await smtp.SendAsync(chunk);
        }

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await smtp.CommandAsync("."));
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Refused, Assert.Single(smtp.Store.Attempts).Outcome);

        // The session is in a clean state for the next transaction.
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync("Subject: small\r\n\r\nok\r\n."));
        Assert.Equal("small", Assert.Single(smtp.Store.Messages).Subject);
    }

    [Fact]
    public async Task BdatOverTheLimitIs552()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.SendAsync("BDAT 600\r\n" + new string('a', 600) + "BDAT 600 LAST\r\n" + new string('b', 600));
        Assert.Equal(["250 2.0.0 600 octets received", "552 5.3.4 Message size exceeds fixed maximum message size"], await smtp.ReadRepliesAsync(2));
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task HugeBdatChunkOverTheLimitStreamsThroughWithoutBeingBuffered()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxMessageSize = 1000);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        const int size = 4 * 1024 * 1024;
        await smtp.SendAsync($"BDAT {size} LAST\r\n");
        var chunk = new byte[InMemorySmtp.PauseWriterThreshold];
        chunk.AsSpan().Fill((byte)'y');
        for (var sent = 0; sent < size; sent += chunk.Length)
        {
            await smtp.SendAsync(chunk);
        }

        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await smtp.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
        Assert.Empty(smtp.Store.Messages);
    }

    [Fact]
    public async Task NoSizeLimitWhenMaxMessageSizeIsZero()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o => o.MaxMessageSize = 0);
        var ehlo = await smtp.CommandAsync("EHLO client.example");
        Assert.Contains("250-SIZE\n", ehlo);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@example.com> SIZE=999999999999"));
    }

    [Fact]
    public async Task RecipientOverTheLimitIs452AndEarlierOnesAreKept()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.MaxRecipients = 2);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<r1@example.com>"));
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<r2@example.com>"));
        Assert.Equal("452 4.5.3 Too many recipients", await smtp.CommandAsync("RCPT TO:<r3@example.com>"));
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250", await smtp.CommandAsync("x\r\n."));
        Assert.Equal(["r1@example.com", "r2@example.com"], Assert.Single(smtp.Store.Messages).Envelope.Recipients);
    }

    [Fact]
    public async Task HundredRecipientsAreAcceptedByDefault()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        var replies = await smtp.PipelineAsync(Enumerable.Range(0, 101).Select(i => $"RCPT TO:<r{i}@example.com>").ToArray());
        Assert.All(replies[..100], r => Assert.StartsWith("250", r));
        Assert.Equal("452 4.5.3 Too many recipients", replies[100]);
    }

    [Fact]
    public async Task MailLineLengthenedByExtensionParametersIsAccepted()
    {
        // RFC 4954 §5 and RFC 3461 §4 let AUTH= and ENVID lengthen MAIL FROM past 512 octets.
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        var line = $"MAIL FROM:<{new string('s', 64)}@example.com> SIZE=1000 BODY=8BITMIME ENVID={new string('e', 100)} AUTH=<{new string('a', 400)}@example.com>";
        Assert.True(line.Length > 600);
        Assert.Equal("250 2.1.0 Sender OK", await smtp.CommandAsync(line));
    }

    [Fact]
    public async Task RcptLineLengthenedByOrcptIsAccepted()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        var address = new string('r', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('d', 60), 2)) + ".example";
        var original = string.Concat(Enumerable.Repeat("x+2B", 80)) + "@example.com";
        var line = $"RCPT TO:<{address}> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;{original}";
        Assert.True(line.Length > 512);
        Assert.Equal("250 2.1.5 Recipient OK", await smtp.CommandAsync(line));
    }

    [Fact]
    public async Task MailLineBeyondTheExtensionAllowanceIs500()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        Assert.Equal("500 5.5.6 Command line too long", await smtp.CommandAsync("MAIL FROM:<a@example.com> ENVID=" + new string('e', 2000)));
    }
}
