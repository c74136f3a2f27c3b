using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class LivePolicyChangeTests
{
    [Fact]
    public async Task AddingAndRemovingPoliciesWhileClientsAreSendingDoesNotBreakInFlightSessions()
    {
        const int Clients = 6;
        const int MessagesEach = 15;
        await using var server = await SmtpTestServer.StartAsync();
        using var done = new CancellationTokenSource();

        // Policies that accept everything the clients send, so every message must arrive whatever the timing.
        var churn = Task.Run(async () =>
        {
            var changes = 0;
            while (!done.IsCancellationRequested)
            {
                var known = server.Policies.Add(SmtpPolicies.KnownRecipients("@example.com"));
                server.Policies.Insert(0, SmtpPolicies.MaxRecipients(10));
                var rateLimit = server.Policies.Add(SmtpPolicies.RateLimit(1_000_000, TimeSpan.FromMinutes(1)));
                server.Policies.Add(SmtpPolicies.MaxMessageSize(1024 * 1024));
                server.Policies.Remove(rateLimit);
                server.Policies.Remove(known);
                server.Policies.Clear();
                changes++;
                await Task.Yield();
            }

            return changes;
        });

        var senders = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            for (var m = 0; m < MessagesEach; m++)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse("app@example.com"));
                message.To.Add(MailboxAddress.Parse($"user{c}@example.com"));
                message.Subject = $"{c}/{m}";
                message.Body = new TextPart("plain") { Text = "Hello" };
                await client.SendAsync(message);
            }

            await client.DisconnectAsync(true);
        })).ToArray();

        await Task.WhenAll(senders);
        await done.CancelAsync();
        var changes = await churn;

        Assert.True(changes > 0);
        Assert.Equal(Clients * MessagesEach, (await server.WaitForMessagesAsync(Clients * MessagesEach)).Count);
    }

    [Fact]
    public async Task APolicyAddedInTheMiddleOfASessionDecidesFromTheNextCommandOn()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<a@example.com>"));

        var policy = server.Policies.Add(SmtpPolicies.KnownRecipients("a@example.com"));
        Assert.StartsWith("550 5.1.1", await client.CommandAsync("RCPT TO:<b@example.com>"));

        server.Policies.Remove(policy);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("Subject: x\r\n\r\nHello\r\n."));
        Assert.Equal(["a@example.com", "b@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
    }
}
