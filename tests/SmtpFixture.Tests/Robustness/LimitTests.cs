using System.Text;

namespace SmtpFixture.Tests.Robustness;

/// <summary>Issue 9 §1: every limit is configurable and answered with its own reply.</summary>
public sealed class LimitTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task AConnectionOverMaxSessionsIsRefusedWith421_4_3_2AtConnect()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.MaxSessions = 1);
        using var first = await RawSmtpConnection.ConnectAsync(server);
        Assert.StartsWith("220 ", await first.ReadReplyAsync());

        using var second = await RawSmtpConnection.ConnectAsync(server);
        Assert.StartsWith("421 4.3.2 ", await second.ReadReplyAsync());
        Assert.Null(await second.ReadLineAsync());

        // The first session is unaffected, and the refusal is on record.
        Assert.StartsWith("250 ", await first.CommandAsync("NOOP"));
        var refused = Assert.Single(server.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Refused, refused.Outcome);
        Assert.Equal(421, Assert.Single(refused.Exchanges).Reply.Code);
    }

    [Fact]
    public async Task ACommandLineLongerThanMaxCommandLengthGets500_5_5_6AndTheSessionGoesOn()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxCommandLength = 512);
        Assert.StartsWith("500 5.5.6 ", await smtp.CommandAsync("NOOP " + new string('x', 600)));
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP " + new string('x', 400)));
    }

    [Fact]
    public async Task ALineThatNeverEndsIsDiscardedAsItArrivesNotBuffered()
    {
        await using var smtp = await PipeSmtpClient.StartAsync();
        await smtp.CommandAsync("EHLO client.example");

        // 50 MiB without a line feed. The pipe to the server stops the writer once 64 KiB are unconsumed, so each
        // write completes only because the session consumed (and dropped) what came before: had it buffered the
        // line, the writes would stall and the bounded SendAsync would fail.
        var piece = new byte[PipeSmtpClient.PauseWriterThreshold];
        piece.AsSpan().Fill((byte)'A');
        for (var sent = 0L; sent < 50L * 1024 * 1024; sent += piece.Length)
        {
            await smtp.SendAsync(piece);
        }

        await smtp.SendAsync("\r\nNOOP\r\n");
        Assert.StartsWith("500 5.5.6 ", await smtp.ReadReplyAsync());
        Assert.StartsWith("250 ", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task ARecipientOverMaxRecipientsGets452_4_5_3AndTheOthersStillGetTheMessage()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxRecipients = 2);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.StartsWith("250 ", await smtp.CommandAsync("RCPT TO:<b1@example.com>"));
        Assert.StartsWith("250 ", await smtp.CommandAsync("RCPT TO:<b2@example.com>"));
        Assert.StartsWith("452 4.5.3 ", await smtp.CommandAsync("RCPT TO:<b3@example.com>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250 ", await smtp.CommandAsync("Subject: x\r\n\r\nbody\r\n."));
        var message = Assert.Single(smtp.Store.Messages);
        Assert.Equal(["b1@example.com", "b2@example.com"], message.Envelope.Recipients);
    }

    [Fact]
    public async Task DataOverMaxMessageSizeIsReadToTheEndDiscardedAndRefusedWith552_5_3_4()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxMessageSize = 10_000);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));

        // 5 MiB of content streams through the 64 KiB pipe: the session keeps consuming past the limit.
        var line = Encoding.ASCII.GetBytes(new string('x', 1022) + "\r\n");
        var chunk = Enumerable.Repeat(line, 64).SelectMany(l => l).ToArray();
        for (var i = 0; i < 80; i++)
        {
            await smtp.SendAsync(chunk);
        }

        await smtp.SendAsync(".\r\n");
        Assert.StartsWith("552 5.3.4 ", await smtp.ReadReplyAsync());
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Refused, Assert.Single(smtp.Store.Attempts).Outcome);

        // The session is in a clean state for the next transaction.
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250 ", await smtp.CommandAsync("Subject: small\r\n\r\nok\r\n."));
        Assert.Equal("small", Assert.Single(smtp.Store.Messages).Subject);
    }

    [Fact]
    public async Task ABdatChunkOverMaxMessageSizeIsReadDiscardedAndRefusedWith552_5_3_4()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxMessageSize = 10_000);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        const int size = 5 * 1024 * 1024;
        await smtp.SendAsync($"BDAT {size} LAST\r\n");
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'y');
        for (var sent = 0; sent < size; sent += chunk.Length)
        {
            await smtp.SendAsync(chunk);
        }

        Assert.StartsWith("552 5.3.4 ", await smtp.ReadReplyAsync());
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
        Assert.Empty(smtp.Store.Messages);
    }

    [Fact]
    public async Task ASilentClientGets421_4_4_2AfterTheIdleTimeout()
    {
        var time = new ObservedTimeProvider();
        await using var smtp = await PipeSmtpClient.StartAsync(o => (o.TimeProvider, o.IdleTimeout) = (time, Idle));
        Assert.Equal(Idle, await time.NextArmedAsync());
        time.Advance(Idle);
        var rest = await smtp.ReadToEndAsync();
        Assert.StartsWith("421 4.4.2 ", Assert.Single(rest));
    }

    [Fact]
    public async Task ACommandLineDrippedSlowerThanTheIdleTimeoutIsCutOffWith421_4_4_2()
    {
        var time = new ObservedTimeProvider();
        await using var smtp = await PipeSmtpClient.StartAsync(o => (o.TimeProvider, o.IdleTimeout) = (time, Idle));
        Assert.Equal(Idle, await time.NextArmedAsync());

        // Each byte comes before the idle timeout would fire, but the command as a whole never completes in time.
        foreach (var b in "NOOP")
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await smtp.SendAsync(b.ToString());
            await time.NextArmedAsync();
        }

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.StartsWith("421 4.4.2 ", Assert.Single(await smtp.ReadToEndAsync()));
    }

    [Fact]
    public async Task MessageContentDrippedPastTheDataTimeoutGets421_4_4_2AndNothingIsCaptured()
    {
        var time = new ObservedTimeProvider();
        await using var smtp = await PipeSmtpClient.StartAsync(o =>
            (o.TimeProvider, o.IdleTimeout, o.DataTimeout) = (time, Idle, TimeSpan.FromMinutes(10)));
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        time.Clear();
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        Assert.Equal(Idle, await time.NextArmedAsync());

        // A line every 4 minutes never trips the 5-minute idle limit, but the 10-minute limit for the whole content holds.
        time.Advance(TimeSpan.FromMinutes(4));
        await smtp.SendAsync("line 1\r\n");
        Assert.Equal(Idle, await time.NextArmedAsync());
        time.Advance(TimeSpan.FromMinutes(4));
        await smtp.SendAsync("line 2\r\n");
        Assert.Equal(TimeSpan.FromMinutes(2), await time.NextArmedAsync());
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.StartsWith("421 4.4.2 ", Assert.Single(await smtp.ReadToEndAsync()));
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(smtp.Store.Attempts).Outcome);
    }

    [Fact]
    public async Task ARefusedBdatChunkIsReadUnderItsOwnTimeLimitNotAStaleOne()
    {
        var time = new ObservedTimeProvider();
        await using var smtp = await PipeSmtpClient.StartAsync(o => (o.TimeProvider, o.IdleTimeout) = (time, Idle));
        await smtp.CommandAsync("EHLO client.example");
        time.Clear();

        // Without MAIL the chunk is refused, but it must still be read in full before the 503.
        await smtp.SendAsync("BDAT 10 LAST\r\n12345");
        Assert.Equal(Idle, await time.NextArmedAsync());
        time.Advance(TimeSpan.FromMinutes(1));
        await smtp.SendAsync("67890");
        Assert.StartsWith("503 5.5.1 ", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task AClientThatStopsReadingRepliesIsCutOffAfterTheIdleTimeout()
    {
        var time = new ObservedTimeProvider();
        var smtp = await PipeSmtpClient.StartAsync(o => (o.TimeProvider, o.IdleTimeout) = (time, Idle));
        time.Clear();

        // 2,000 pipelined HELPs make far more reply bytes than the pipe back to the client holds: the server's
        // flush waits for a reader that never comes.
        await smtp.SendAsync(string.Concat(Enumerable.Repeat("HELP\r\n", 2000)));
        Assert.Equal(Idle, await time.NextArmedAsync());
        time.Advance(Idle);
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(20));
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task MaxBadCommandsInARowGet421_4_7_0AndTheConnectionIsClosed()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxBadCommands = 3);
        Assert.StartsWith("500 ", await smtp.CommandAsync("FOO"));
        Assert.StartsWith("500 ", await smtp.CommandAsync("BAR"));
        await smtp.SendAsync("BAZ\r\n");
        var rest = await smtp.ReadToEndAsync();
        Assert.Equal(2, rest.Count);
        Assert.StartsWith("500 ", rest[0]);
        Assert.StartsWith("421 4.7.0 ", rest[1]);
    }

    [Fact]
    public async Task AGoodCommandResetsTheCountOfBadCommands()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxBadCommands = 3);
        Assert.StartsWith("500 ", await smtp.CommandAsync("FOO"));
        Assert.StartsWith("500 ", await smtp.CommandAsync("BAR"));
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
        Assert.StartsWith("500 ", await smtp.CommandAsync("FOO"));
        Assert.StartsWith("500 ", await smtp.CommandAsync("BAR"));
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task OverLongLinesCountAsBadCommandsToo()
    {
        await using var smtp = await PipeSmtpClient.StartAsync(o => o.MaxBadCommands = 3);
        var junk = new string('j', 2000) + "\r\n";
        await smtp.SendAsync(junk + junk + junk);
        var rest = await smtp.ReadToEndAsync();
        Assert.Equal(4, rest.Count);
        Assert.All(rest.Take(3), r => Assert.StartsWith("500 5.5.6 ", r));
        Assert.StartsWith("421 4.7.0 ", rest[3]);
    }
}
