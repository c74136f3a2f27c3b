using MailKit.Net.Smtp;
using MailKit.Security;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Server;

/// <summary>WaitForMessageAsync / WaitForMessagesAsync, Reset, and errors reported to the test.</summary>
public sealed class WaitTests
{
    [Fact]
    public async Task WaitReturnsAMessageThatAlreadyArrived()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await SendAsync(server, "early");
        await server.WaitForMessagesAsync(1);
        var message = await server.WaitForMessageAsync(m => m.Subject == "early", TimeSpan.FromMilliseconds(1));
        Assert.Equal("early", message.Subject);
    }

    [Fact]
    public async Task WaitIsWokenByTheArrivingMessage()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var wait = server.WaitForMessageAsync(m => m.Subject == "awaited", TimeSpan.FromMinutes(5));
        Assert.False(wait.IsCompleted);
        await SendAsync(server, "other");
        await server.WaitForMessageAsync(m => m.Subject == "other");
        Assert.False(wait.IsCompleted);
        await SendAsync(server, "awaited");
        Assert.Equal("awaited", (await wait.WaitAsync(TimeSpan.FromSeconds(30))).Subject);
    }

    [Fact]
    public async Task WaitForCountReturnsAllMessagesInOrder()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var wait = server.WaitForMessagesAsync(3, TimeSpan.FromMinutes(5));
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(server, "m" + i);
        }

        var messages = await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["m0", "m1", "m2"], messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task TimeoutMessageListsWhatArrivedAndWhatWasRefused()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await SendAsync(server, "delivered");
        using (var raw = await RawSmtpClient.ConnectAsync(server))
        {
            await raw.ReadReplyAsync();
            await raw.CommandAsync("EHLO client.example");
            await raw.CommandAsync("RCPT TO:<lost@example.com>");
            await raw.CommandAsync("QUIT");
        }

        var error = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => server.WaitForMessageAsync(m => m.Subject == "never", TimeSpan.FromMilliseconds(200)));
        Assert.Contains("waiting for a message matching m => m.Subject == \"never\". ", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 message was received", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"delivered\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 attempt was refused or aborted", error.Message, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<lost@example.com> -> 503 5.5.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutOfACountedWaitSaysHowManyWereExpected()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var error = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => server.WaitForMessagesAsync(2, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("waiting for 2 messages", error.Message, StringComparison.Ordinal);
        Assert.Contains("No messages were received.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingAWaitThrowsOperationCanceled()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var cts = new CancellationTokenSource();
        var wait = server.WaitForMessageAsync(timeout: TimeSpan.FromMinutes(5), cancellationToken: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public async Task ResetClearsMessagesAndAttemptsAndRestartsTheCount()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await SendAsync(server, "before");
        await server.WaitForMessagesAsync(1);
        server.Reset();
        Assert.Empty(server.Messages);
        Assert.Empty(server.Attempts);

        var wait = server.WaitForMessagesAsync(1, TimeSpan.FromMinutes(5));
        Assert.False(wait.IsCompleted);
        await SendAsync(server, "after");
        Assert.Equal("after", Assert.Single(await wait.WaitAsync(TimeSpan.FromSeconds(30))).Subject);
    }

    [Fact]
    public async Task PolicyThatThrowsWithNobodyWaitingIsReportedByThrowIfFaultedAfterDisposal()
    {
        var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(new ThrowingPolicy()));
        using (var raw = await RawSmtpClient.ConnectAsync(server))
        {
            await raw.ReadReplyAsync();
            await raw.CommandAsync("EHLO client.example");
            Assert.StartsWith("451 4.3.0", await raw.CommandAsync("MAIL FROM:<a@example.com>"));
        }

        await server.DisposeAsync();
        Assert.Throws<SmtpPolicyException>(server.ThrowIfFaulted);
    }

    [Fact]
    public async Task PolicyThatThrowsFailsAPendingWait()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.Policies.Add(new ThrowingPolicy()));
        var wait = smtp.Store.WaitForMessageAsync(null, TimeSpan.FromMinutes(5), () => string.Empty, CancellationToken.None);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        await Assert.ThrowsAsync<SmtpPolicyException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task SendAsync(SmtpTestServer server, string subject)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        await client.SendAsync(MailKitLoopbackTests.NewMessage(subject));
        await client.DisconnectAsync(true);
    }

    private sealed class ThrowingPolicy : SmtpPolicy
    {
        public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy broke");
    }
}
