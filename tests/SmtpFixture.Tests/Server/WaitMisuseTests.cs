using SmtpFixture.Tests.Support;

namespace SmtpFixture.Tests.Server;

/// <summary>Waits that cannot succeed say so at once and in our words: on a stopped server, with a negative timeout, when cancelled.</summary>
public sealed class WaitMisuseTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task AWaitOnAStoppedServerFailsAtOnceSayingSo()
    {
        var server = await SmtpTestServer.StartAsync();
        await server.DisposeAsync();

        // Bounded only so that a regression fails instead of hanging for the full timeout.
        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => server.WaitForMessageAsync(m => m.Subject == "late", Long).WaitAsync(Long));

        Assert.StartsWith(
            "Cannot wait for a message matching m => m.Subject == \"late\": the server was stopped, so nothing more will arrive. No messages were received.",
            error.Message,
            StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.WaitForMessagesAsync(1, Long).WaitAsync(Long));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.WaitForAttemptAsync(timeout: Long).WaitAsync(Long));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.WaitForRefusalAsync(timeout: Long).WaitAsync(Long));
    }

    [Fact]
    public async Task APendingWaitEndsWhenTheServerIsStopped()
    {
        var server = await SmtpTestServer.StartAsync();
        var wait = server.WaitForMessagesAsync(2, Long);

        await server.DisposeAsync();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => wait.WaitAsync(Long));
        Assert.StartsWith("Cannot wait for 2 messages: the server was stopped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatArrivedBeforeTheServerStoppedCanStillBeWaitedFor()
    {
        var server = await SmtpTestServer.StartAsync();
        await using (var client = await RawSmtpClient.ConnectAsync(server))
        {
            await client.ReadReplyAsync();
            await client.CommandAsync("HELO client.example");
            await client.CommandAsync("MAIL FROM:<a@example.com>");
            await client.CommandAsync("RCPT TO:<b@example.com>");
            await client.CommandAsync("DATA");
            await client.CommandAsync("Subject: before\r\n\r\nbody\r\n.");
        }

        await server.DisposeAsync();

        Assert.Equal("before", (await server.WaitForMessageAsync(m => m.Subject == "before", Long)).Subject);
        Assert.Single(await server.WaitForMessagesAsync(1, Long));
    }

    [Fact]
    public async Task ANegativeTimeoutIsRefusedAtTheCallInOurWords()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var negative = TimeSpan.FromSeconds(-1);

        var errors = new[]
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.WaitForMessageAsync(timeout: negative)),
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.WaitForMessagesAsync(1, negative)),
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.WaitForAttemptAsync(timeout: negative)),
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => server.WaitForRefusalAsync(timeout: negative)),
        };

        Assert.All(errors, e =>
        {
            Assert.Equal("timeout", e.ParamName);
            Assert.Equal(negative, e.ActualValue);
            Assert.StartsWith("A wait timeout must be zero or positive (or Timeout.InfiniteTimeSpan to wait without limit)", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AnInfiniteTimeoutWaitsUntilCancelledAndACancelledWaitSaysWhatItWaitedFor()
    {
        await using var server = await SmtpTestServer.StartAsync();
        using var cancel = new CancellationTokenSource();
        var subject = "never";
        var wait = server.WaitForMessageAsync(m => m.Subject == subject, Timeout.InfiniteTimeSpan, cancel.Token);
        Assert.False(wait.IsCompleted);

        await cancel.CancelAsync();

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => wait);
        Assert.StartsWith("The wait for a message matching m => m.Subject == subject was canceled. No messages were received.", error.Message, StringComparison.Ordinal);
        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task AWaitWithoutAPredicateNamesWhatItWaitsForPlainly()
    {
        await using var server = await SmtpTestServer.StartAsync();

        var error = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => server.WaitForMessageAsync(null, TimeSpan.Zero));

        Assert.StartsWith("Timed out after 0 s waiting for a message. No messages were received.", error.Message, StringComparison.Ordinal);
    }
}
