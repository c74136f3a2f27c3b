using SmtpFixture.Protocol;

namespace SmtpFixture.Tests.Protocol;

/// <summary>The server's timeouts (RFC 5321 §4.5.3.2), driven by a fake clock: no sleeps.</summary>
public sealed class TimeoutTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task IdleClientGets421AndIsDisconnected()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await StartAsync(time);
        Assert.Equal(Idle, await time.WaitUntilArmedAsync());
        time.Advance(Idle);
        Assert.Equal("421 4.4.2 Idle timeout, closing transmission channel\r\n", await smtp.ReadToEndAsync());
    }

    [Fact]
    public async Task ACommandLineDrippedSlowerThanTheIdleTimeoutGets421()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await StartAsync(time);
        Assert.Equal(Idle, await time.WaitUntilArmedAsync());

        // Each byte comes before the idle timeout would fire, but the command line as a whole must arrive within it.
        var elapsed = TimeSpan.Zero;
        foreach (var b in "NOOP")
        {
            time.Advance(TimeSpan.FromMinutes(1));
            elapsed += TimeSpan.FromMinutes(1);
            var armed = time.WhenNextArmed();
            await smtp.SendAsync(b.ToString());
            Assert.Equal(Idle - elapsed, await armed);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("421 4.4.2 Idle timeout, closing transmission channel\r\n", await smtp.ReadToEndAsync());
    }

    [Fact]
    public async Task AClientThatStopsReadingRepliesIsCutOffAfterTheIdleTimeout()
    {
        var time = new ObservableTimeProvider();
        var smtp = await StartAsync(time);

        // 2,000 pipelined HELPs make far more reply bytes than the pipe back to the client holds: the server's
        // flush waits for a reader that never comes, under the idle timeout.
        var armed = time.WhenNextArmed();
        await smtp.SendAsync(string.Concat(Enumerable.Repeat("HELP\r\n", 2000)));
        Assert.Equal(Idle, await armed);
        time.Advance(Idle);
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(20));
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task ActivityRestartsTheIdleTimeout()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = TimeSpan.FromMinutes(5);
        });
        await time.WaitUntilArmedAsync();
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
        await time.WaitUntilArmedAsync();
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task IdleTimeoutInATransactionAbortsIt()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o => o.TimeProvider = time);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await time.WaitUntilArmedAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.StartsWith("421 4.4.2", await smtp.ReadToEndAsync());
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(smtp.Store.Attempts).Outcome);
    }

    [Fact]
    public async Task TheIdleTimeout421IsRecordedAsTheLastExchangeOfTheAbortedTransaction()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o => o.TimeProvider = time);
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await time.WaitUntilArmedAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.StartsWith("421 4.4.2", await smtp.ReadToEndAsync());
        var attempt = Assert.Single(smtp.Store.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Aborted, attempt.Outcome);
        var last = attempt.Exchanges[^1];
        Assert.Equal("<idle timeout>", last.Command);
        Assert.Equal(Replies.IdleTimeout, last.Reply);
    }

    [Fact]
    public async Task AnIdleTimeoutOutsideATransactionIsRecordedAsAnAbortedAttempt()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o => o.TimeProvider = time);
        await smtp.CommandAsync("EHLO client.example");
        await time.WaitUntilArmedAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.StartsWith("421 4.4.2", await smtp.ReadToEndAsync());
        var attempt = Assert.Single(smtp.Store.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Aborted, attempt.Outcome);
        Assert.Equal(421, Assert.Single(attempt.Exchanges).Reply.Code);
    }

    [Fact]
    public async Task TheShutdown421IsRecordedOnTheTransactionItCutOff()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync();
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.ShutdownAsync();
        Assert.StartsWith("421 4.3.2", await smtp.ReadToEndAsync());
        var attempt = Assert.Single(smtp.Store.Attempts);
        Assert.Equal(SmtpAttemptOutcome.Aborted, attempt.Outcome);
        Assert.Equal(Replies.ShuttingDown, attempt.Exchanges[^1].Reply);
    }

    [Fact]
    public async Task SlowMessageContentGets421AfterTheDataTimeout()
    {
        var time = new ObservableTimeProvider();
        var data = TimeSpan.FromMinutes(8);
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = Idle;
            o.DataTimeout = data;
        });
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");

        // Content keeps trickling in, so the idle timeout never fires; the whole message is bounded by DataTimeout:
        // each read waits for the idle timeout or for what is left of the message's time, whichever is shorter.
        Assert.Equal(Idle, await time.WaitUntilArmedAsync());
        var elapsed = TimeSpan.Zero;
        for (var minute = 0; minute < 7; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            elapsed += TimeSpan.FromMinutes(1);
            var armed = time.WhenNextArmed();
            await smtp.SendAsync("line\r\n");
            Assert.Equal(TimeSpan.FromTicks(Math.Min(Idle.Ticks, (data - elapsed).Ticks)), await armed);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("421 4.4.2 Timeout waiting for message content, closing transmission channel\r\n", await smtp.ReadToEndAsync());
        Assert.Empty(smtp.Store.Messages);
        Assert.Equal(SmtpAttemptOutcome.Aborted, Assert.Single(smtp.Store.Attempts).Outcome);
    }

    [Fact]
    public async Task DataDeadlinePassedWhileTheServerWasBusyTimesOutAtOnce()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.DataTimeout = TimeSpan.FromMinutes(8);
            o.IdleTimeout = TimeSpan.FromHours(1);
        });
        await smtp.CommandAsync("EHLO client.example");

        // The server flushes every 64 KiB of replies, so the unread output is built up in two batches: 4,000 NOOP
        // replies left unread, then a transaction whose replies push the pipe past what it takes unread. The server
        // blocks in that flush, after DATA, until the client reads; the clock passes the message's deadline meanwhile.
        var first = time.WhenNextArmed();
        await smtp.SendAsync(string.Concat(Enumerable.Repeat("NOOP\r\n", 4000)));
        await first;
        var second = time.WhenNextArmed();
        var batch = "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n" + string.Concat(Enumerable.Repeat("NOOP\r\n", 1000)) + "DATA\r\npartial\r\n";
        await smtp.SendAsync(batch);
        await second;
        time.Advance(TimeSpan.FromMinutes(10));
        var output = await smtp.ReadToEndAsync();
        Assert.EndsWith("354 Start mail input; end with <CRLF>.<CRLF>\r\n421 4.4.2 Timeout waiting for message content, closing transmission channel\r\n", output);
    }

    [Fact]
    public async Task RefusedBdatChunkArrivingSlowlyIsNotTimedOut()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await StartAsync(time);
        var armed = time.WhenNextArmed();
        await smtp.SendAsync("BDAT 10\r\n12345");

        // The rest of the refused chunk is read under a full idle timeout of its own, not a stale deadline.
        Assert.Equal(Idle, await armed);
        time.Advance(TimeSpan.FromMinutes(1));
        await smtp.SendAsync("67890");
        Assert.Equal("503 5.5.1 Send EHLO or HELO first", await smtp.ReadReplyAsync());
    }

    [Fact]
    public async Task TimeoutsLongerThanATimerSupportsMeanNoTimeout()
    {
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.IdleTimeout = TimeSpan.FromDays(365);
            o.DataTimeout = TimeSpan.FromDays(365);
        });
        Assert.Equal("250 2.0.0 OK", await smtp.CommandAsync("NOOP"));
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");
        await smtp.SendAsync("Subject: x\r\n");
        Assert.StartsWith("250 2.0.0", await smtp.CommandAsync("."));
    }

    /// <summary>Starts a session on the fake clock with the idle timeout of these tests.</summary>
    private static Task<InMemorySmtp> StartAsync(ObservableTimeProvider time) =>
        InMemorySmtp.StartAsync(o => (o.TimeProvider, o.IdleTimeout) = (time, Idle));
}
