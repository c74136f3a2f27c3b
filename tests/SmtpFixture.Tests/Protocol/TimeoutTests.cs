using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Protocol;

/// <summary>The server's timeouts (RFC 5321 §4.5.3.2), driven by a fake clock: no sleeps.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task IdleClientGets421442AndIsDisconnected()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = TimeSpan.FromMinutes(5);
        });
        await time.WaitUntilArmedAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("421 4.4.2 Idle timeout, closing transmission channel\r\n", await smtp.ReadToEndAsync());
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
    public async Task SlowMessageContentGets421442AfterTheDataTimeout()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = TimeSpan.FromMinutes(5);
            o.DataTimeout = TimeSpan.FromMinutes(8);
        });
        await smtp.CommandAsync("EHLO client.example");
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await smtp.CommandAsync("RCPT TO:<b@example.com>");
        await smtp.CommandAsync("DATA");

        // Content keeps trickling in, so the idle timeout never fires; the whole message is bounded by DataTimeout.
        await time.WaitUntilArmedAsync();
        for (var minute = 0; minute < 7; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            var armed = time.WhenNextArmed();
            await smtp.SendAsync("line\r\n");
            await armed;
        }

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("421 4.4.2 Timeout waiting for message content, closing transmission channel\r\n", await smtp.ReadToEndAsync());
        Assert.Empty(smtp.Store.Messages);
    }

    [Fact]
    public async Task DataDeadlinePassedWhileTheServerWasBusyTimesOutAtOnce()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.DataTimeout = TimeSpan.FromMinutes(8);
        });
        await smtp.CommandAsync("EHLO client.example");

        // 5,000 NOOP replies are more than the pipe takes unread: the server blocks in its flush, with no timer armed,
        // until the client reads. The clock passes the message's deadline meanwhile and is not advanced again.
        var batch = "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n" + string.Concat(Enumerable.Repeat("NOOP\r\n", 5000)) + "DATA\r\npartial\r\n";
        await smtp.SendAsync(batch);
        await smtp.WaitForOutputAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        var output = await smtp.ReadToEndAsync();
        Assert.EndsWith("354 Start mail input; end with <CRLF>.<CRLF>\r\n421 4.4.2 Timeout waiting for message content, closing transmission channel\r\n", output);
    }

    [Fact]
    public async Task RefusedBdatChunkArrivingSlowlyIsNotTimedOut()
    {
        var time = new ObservableTimeProvider();
        await using var smtp = await InMemorySmtp.StartAsync(o => o.TimeProvider = time);
        var armed = time.WhenNextArmed();
        await smtp.SendAsync("BDAT 10\r\n12345");
        await armed;
        time.Advance(TimeSpan.FromSeconds(1));
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
}
