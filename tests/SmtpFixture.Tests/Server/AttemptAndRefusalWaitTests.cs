using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Server;

/// <summary>WaitForRefusalAsync and WaitForAttemptAsync: waiting for what the server refused, as for what it received.</summary>
public sealed class AttemptAndRefusalWaitTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ARetryAfterARefusalIsDrivenByAFakeClockWithoutPolling()
    {
        // The pattern of the README: the code under test sends in the background and retries on its own clock.
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo("bob@example.com").Reply(SmtpReplies.MailboxBusy);
        var clock = new ObservableTimeProvider();
        var retryScheduled = clock.WhenNextArmed();

        var sending = SendWithRetryAsync(server, clock, TimeSpan.FromMinutes(1));
        var refusal = await server.WaitForRefusalAsync(r => r.Reply.Code == 450, Long);
        await retryScheduled.WaitAsync(Long);
        Assert.Empty(server.Messages);
        clock.Advance(TimeSpan.FromMinutes(1));

        var message = await server.WaitForMessageAsync(timeout: Long);
        Assert.Equal(2, await sending.WaitAsync(Long));
        Assert.Equal("RCPT TO:<bob@example.com>", refusal.Command);
        Assert.Equal(SmtpStage.RcptTo, refusal.Stage);
        Assert.StartsWith("Script: RCPT TO bob@example.com ×1 → 450", refusal.AnsweredBy, StringComparison.Ordinal);
        Assert.Equal(["bob@example.com"], message.Envelope.Recipients);
    }

    [Fact]
    public async Task ARefusalThatAlreadyHappenedIsReturnedAtOnceOldestFirst()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.CommandAsync("FROB");
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        await client.CommandAsync("RCPT TO:<not an address>");
        await client.CommandAsync("RCPT TO:<also not one>");

        var refusal = await server.WaitForRefusalAsync(timeout: TimeSpan.Zero);

        Assert.Equal("RCPT TO:<not an address>", refusal.Command);
        Assert.Equal(refusal, server.Attempts.SelectMany(a => a.Refusals).First());
    }

    [Fact]
    public async Task AnAttemptCountsOnceItHasEnded()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await ConnectAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<a@example.com>"));

        var wait = server.WaitForAttemptAsync(a => a.MailFrom == "a@example.com", Long);
        Assert.Equal(SmtpAttemptOutcome.InProgress, Assert.Single(server.Attempts).Outcome);
        Assert.False(wait.IsCompleted);
        await client.CommandAsync("RSET");

        var attempt = await wait;
        Assert.Equal(SmtpAttemptOutcome.Aborted, attempt.Outcome);
        Assert.Same(attempt, Assert.Single(server.Attempts));
    }

    [Fact]
    public async Task AnAcceptedAttemptCarriesItsMessage()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var wait = server.WaitForAttemptAsync(timeout: Long);

        await using var client = await ConnectAsync(server);
        await client.CommandAsync("MAIL FROM:<a@example.com>");
        await client.CommandAsync("RCPT TO:<b@example.com>");
        await client.CommandAsync("DATA");
        await client.CommandAsync("Subject: attempt\r\n\r\nbody\r\n.");

        var attempt = await wait;
        Assert.Equal(SmtpAttemptOutcome.Accepted, attempt.Outcome);
        Assert.Equal("attempt", attempt.Message?.Subject);
    }

    [Fact]
    public async Task ATimedOutWaitShowsItsPredicateAndWhatWasCaptured()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using (var client = await ConnectAsync(server))
        {
            await client.CommandAsync("MAIL FROM:<a@example.com>");
            await client.CommandAsync("RCPT TO:<not an address>");
            await client.CommandAsync("QUIT");
        }

        await server.WaitForAttemptAsync(timeout: Long);
        var refusal = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => server.WaitForRefusalAsync(r => r.Reply.Code == 421, TimeSpan.FromMilliseconds(50)));
        var attempt = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => server.WaitForAttemptAsync(a => a.Outcome == SmtpAttemptOutcome.Accepted, TimeSpan.Zero));

        Assert.StartsWith("Timed out after 0.05 s waiting for a refusal matching r => r.Reply.Code == 421. No messages were received." + Environment.NewLine + "1 attempt was refused or aborted:", refusal.Message, StringComparison.Ordinal);
        Assert.StartsWith("Timed out after 0 s waiting for an ended attempt matching a => a.Outcome == SmtpAttemptOutcome.Accepted. No messages were received.", attempt.Message, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<not an address> -> 553 5.1.3 Bad recipient address syntax;", refusal.Message, StringComparison.Ordinal);
    }

    private static async Task<RawSmtpClient> ConnectAsync(SmtpTestServer server)
    {
        var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.example");
        return client;
    }

    /// <summary>Sends as a service with a retry policy would: on a transient (4xx) refusal, waits on its clock and tries again.</summary>
    private static async Task<int> SendWithRetryAsync(SmtpTestServer server, TimeProvider clock, TimeSpan retryDelay)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var client = new SmtpClient();
                await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
                await client.SendAsync(new MimeMessage([MailboxAddress.Parse("app@example.com")], [MailboxAddress.Parse("bob@example.com")], "Retry", new TextPart("plain") { Text = "Hi" }));
                await client.DisconnectAsync(true);
                return attempt;
            }
            catch (SmtpCommandException ex) when ((int)ex.StatusCode is >= 400 and < 500 && attempt < 3)
            {
                await Task.Delay(retryDelay, clock);
            }
        }
    }
}
