using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class ScriptTests
{
    private static readonly SmtpReply Busy = new(450, "4.2.0", "Mailbox busy");

    [Fact]
    public async Task AOneShotStepAnswersOnlyTheFirstMatchingCommand()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo().Once().Reply(Busy);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));

        Assert.Equal("450 4.2.0 Mailbox busy", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
    }

    [Fact]
    public async Task AStepForNTimesAnswersTheNextNMatchingCommandsThenTheServerDecides()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var step = server.Script.OnRcptTo("bob@example.com").Times(2).Reply(Busy);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));

        Assert.StartsWith("450", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@example.com>"));
        Assert.StartsWith("450", await client.CommandAsync("RCPT TO:<BOB@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.Equal(2, step.Uses);
        Assert.True(step.IsUsedUp);
    }

    [Fact]
    public async Task StepsForTheSameStageAreConsumedInTheOrderTheyWereAdded()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo().Reply(Busy);
        server.Script.OnRcptTo().Reply(SmtpReplies.MailboxUnavailable);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));

        Assert.StartsWith("450 4.2.0", await client.CommandAsync("RCPT TO:<a@example.com>"));
        Assert.StartsWith("550 5.1.1", await client.CommandAsync("RCPT TO:<a@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<a@example.com>"));
    }

    [Fact]
    public async Task AnAddressPatternWithAWildcardMatchesOnlyThoseAddresses()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo("*@blocked.example").Always().Reply(SmtpReplies.MailboxUnavailable);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "a@blocked.example", "b@blocked.example", "c@example.com");

        Assert.StartsWith("550", replies[1]);
        Assert.StartsWith("550", replies[2]);
        Assert.StartsWith("250", replies[3]);
    }

    [Fact]
    public async Task APredicateStepMatchesOnTheParameters()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMailFrom().When(c => c.Parameters.ContainsKey("SMTPUTF8"), "SMTPUTF8 declared").Reply(SmtpReplies.TransactionFailed);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com> BODY=8BITMIME"));
        Assert.StartsWith("250", await client.CommandAsync("RSET"));
        Assert.Equal("554 5.0.0 Transaction failed", await client.CommandAsync("MAIL FROM:<app@example.com> SMTPUTF8"));
        Assert.Equal("Script: MAIL FROM when SMTPUTF8 declared ×1 → 554 5.0.0", server.Attempts[^1].Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task APredicateStepMatchesOnTheSession()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMailFrom().Always().When(c => c.Session.ClientName == "bad.example").Reply(SmtpReplies.LocalError);
        await using var good = await RawSmtpClient.ConnectAndGreetAsync(server, "good.example");
        await using var bad = await RawSmtpClient.ConnectAndGreetAsync(server, "bad.example");

        Assert.StartsWith("250", await good.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.Equal("451 4.3.0 Local error in processing", await bad.CommandAsync("MAIL FROM:<app@example.com>"));
    }

    [Fact]
    public async Task DroppingTheConnectionAfterTheFinalDotSendsNoReplyAndCapturesNothing()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMessage(number: 2).Drop();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250 2.0.0", (await client.SendMailAsync("app@example.com", "alice@example.com"))[^1]);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));

        await client.SendAsync("Subject: second\r\n\r\nHello\r\n.\r\n");

        Assert.Equal(string.Empty, await client.ReadToEndAsync());
        Assert.Equal(["alice@example.com"], Assert.Single(server.Messages).Envelope.Recipients);
        var dropped = server.Attempts[^1];
        Assert.Equal(SmtpAttemptOutcome.Refused, dropped.Outcome);
        Assert.Equal("Script: message #2 ×1 → drop connection", dropped.Exchanges[^1].AnsweredBy);
    }

    [Fact]
    public async Task AReplyWithCloseAnswersThenClosesTheConnection()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnMailFrom().Once().Reply(SmtpReplies.ServiceNotAvailable, close: true);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.Equal("421 4.3.2 Service not available, closing transmission channel", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task ADelayStepHoldsTheReplyUntilTheServerClockHasMoved()
    {
        var delay = TimeSpan.FromSeconds(2);
        var time = new ObservableTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(o => o.TimeProvider = time);
        server.Script.OnData().Always().Delay(delay);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<alice@example.com>"));
        var before = time.GetUtcNow();

        var reply = client.CommandAsync("DATA");
        await time.WhenArmedFor(delay);
        time.Advance(delay);

        Assert.StartsWith("354", await reply);
        var data = server.Attempts.Single().Exchanges.Single(e => e.Stage == SmtpStage.Data);
        Assert.Equal(before + delay, data.At);
        Assert.Null(data.AnsweredBy);
    }

    [Fact]
    public async Task ADelayFollowedByAReplyStepGivesADelayedReply()
    {
        var delay = TimeSpan.FromSeconds(30);
        var time = new ObservableTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(o => o.TimeProvider = time);
        server.Script.OnMailFrom().Delay(delay);
        server.Script.OnMailFrom().Reply(SmtpReplies.LocalError);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var reply = client.CommandAsync("MAIL FROM:<app@example.com>");
        await time.WhenArmedFor(delay);
        time.Advance(delay);

        Assert.Equal("451 4.3.0 Local error in processing", await reply);
    }

    [Fact]
    public async Task TheAttemptRecordsWhichStepAnswered()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo("bob@example.com").Times(2).Reply(Busy);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        await client.SendMailAsync("app@example.com", "bob@example.com");

        Assert.Equal("Script: RCPT TO bob@example.com ×2 → 450 4.2.0", server.Attempts.Single().Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task AWaitThatTimesOutListsTheStepsNotUsedAsScripted()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo("bob@example.com").Times(2).Reply(Busy);
        server.Script.OnMessage(number: 3).Drop();
        await using (var client = await RawSmtpClient.ConnectAndGreetAsync(server))
        {
            await client.SendMailAsync("app@example.com", "bob@example.com");
        }

        var error = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => server.WaitForMessageAsync(timeout: TimeSpan.FromMilliseconds(200)));

        Assert.Contains("Script: RCPT TO bob@example.com ×2 → 450 4.2.0 (used 1 of 2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Script: message #3 ×1 → drop connection (used 0 of 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheScriptIsConsultedBeforeTheOtherPolicies()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("alice@example.com")));
        server.Script.OnRcptTo("newcomer@example.com").Reply(SmtpReplies.Ok);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "newcomer@example.com");

        Assert.StartsWith("250 2.0.0 OK", replies[1]);
        Assert.Equal(["newcomer@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
    }

    [Fact]
    public async Task ResetRemovesEveryStep()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo().Always().Reply(Busy);

        server.Reset();

        Assert.Empty(server.Script.Steps);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250 2.0.0", (await client.SendMailAsync("app@example.com", "bob@example.com"))[^1]);
    }

    [Fact]
    public async Task ConcurrentSessionsNeverUseAStepMoreOftenThanScripted()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var step = server.Script.OnRcptTo().Times(5).Reply(Busy);

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
            return (await client.SendMailAsync("app@example.com", $"user{i}@example.com"))[1];
        }));

        Assert.Equal(5, replies.Count(r => r.StartsWith("450", StringComparison.Ordinal)));
        Assert.Equal(7, replies.Count(r => r.StartsWith("250", StringComparison.Ordinal)));
        Assert.Equal(5, step.Uses);
    }

    [Fact]
    public async Task AScriptedGreetingRefusalIsSentAtConnect()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnConnect().Reply(new SmtpReply(554, "5.7.1", "No SMTP service here"));

        await using var client = await RawSmtpClient.ConnectAsync(server);

        Assert.Equal("554 5.7.1 No SMTP service here", await client.ReadReplyAsync());
        Assert.StartsWith("503", await client.CommandAsync("EHLO client.example"));
    }

    [Fact]
    public async Task AThrowingPredicateGivesTheClient451AndIsReportedToTheTest()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnRcptTo().When(_ => throw new InvalidOperationException("predicate bug")).Reply(Busy);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));

        Assert.StartsWith("451 4.3.0", await client.CommandAsync("RCPT TO:<bob@example.com>"));

        var error = await Assert.ThrowsAsync<SmtpPolicyException>(() => server.WaitForMessageAsync(timeout: TimeSpan.FromSeconds(5)));
        Assert.Contains("predicate bug", error.InnerExceptions.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHeloStepMatchesTheClientName()
    {
        await using var server = await SmtpTestServer.StartAsync();
        server.Script.OnHelo("*.spammer.example").Always().Reply(new SmtpReply(550, "5.7.1", "Go away"));
        await using var client = await RawSmtpClient.ConnectAsync(server);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());

        Assert.Equal("550 5.7.1 Go away", await client.CommandAsync("EHLO mx.spammer.example"));
        Assert.StartsWith("250", await client.CommandAsync("EHLO mx.friend.example"));
    }
}
